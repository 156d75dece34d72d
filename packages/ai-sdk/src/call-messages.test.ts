import type { ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { messagesOfCall } from './call-messages.ts';

const step1: ModelMessage = { role: 'assistant', content: 'step 1' };
const step2: ModelMessage = { role: 'assistant', content: 'step 2' };

describe('messagesOfCall: every step of a call, from a result of ai 6 or ai 7', () => {
  it('takes responseMessages (ai 7) over response.messages, which ai 7 fills with the last step only', () => {
    expect(messagesOfCall({ responseMessages: [step1, step2], response: { messages: [step2] } } as never)).toEqual([
      step1,
      step2,
    ]);
  });
  it('takes response.messages of an ai 6 result, and messages of an ai 6 response', () => {
    expect(messagesOfCall({ response: { messages: [step1, step2] } })).toEqual([step1, step2]);
    expect(messagesOfCall({ messages: [step1] })).toEqual([step1]);
  });
});
