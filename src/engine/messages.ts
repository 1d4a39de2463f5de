import type { MessageData } from '../core/define.js';

/**
 * Fill `{{name}}` placeholders. An unknown messageId or a missing placeholder is a bug in a check, so it throws
 * with the exact fix rather than printing a half-filled message.
 */
export function renderMessage(unit: string, messages: Record<string, string>, messageId: string, data: MessageData = {}): string {
  const template = messages[messageId];
  if (template === undefined) {
    throw new Error(`${unit}: messageId "${messageId}" is not declared in meta.messages (declared: ${Object.keys(messages).join(', ')})`);
  }
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => {
    if (!(key in data)) throw new Error(`${unit}: message "${messageId}" needs data.${key}`);
    return String(data[key]);
  });
}
