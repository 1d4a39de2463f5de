// The variable-explicit template, through every rule of the pack that uses it and each rule's fixture cases.
import { describeTemplate } from '../helpers/rule-tester.js';

describeTemplate('variable-explicit');
