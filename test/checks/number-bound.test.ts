// The number-bound template, through every rule of the pack that uses it and each rule's fixture cases.
import { describeTemplate } from '../helpers/rule-tester.js';

describeTemplate('number-bound');
