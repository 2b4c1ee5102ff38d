import { expect } from '@open-wc/testing';
import { LitElement } from 'lit';
import { defineElement } from './define-element.js';

function captureWarnings(): { messages: string[]; restore: () => void } {
  const original = console.warn;
  const messages: string[] = [];
  console.warn = (...args: unknown[]) => messages.push(args.map(String).join(' '));
  return { messages, restore: () => (console.warn = original) };
}

describe('defineElement', () => {
  it('registers an element', () => {
    class FirstDefinition extends LitElement {}
    expect(defineElement('test-define-first', FirstDefinition)).to.equal(FirstDefinition);
    expect(customElements.get('test-define-first')).to.equal(FirstDefinition);
  });

  it('ignores the same constructor registered again, silently', () => {
    class RepeatedDefinition extends LitElement {}
    defineElement('test-define-repeat', RepeatedDefinition);
    const warnings = captureWarnings();
    try {
      expect(() => defineElement('test-define-repeat', RepeatedDefinition)).not.to.throw();
    } finally {
      warnings.restore();
    }
    expect(warnings.messages).to.deep.equal([]);
  });

  it('keeps the first definition when a second copy of the library defines the tag, warning once', () => {
    class FromFirstCopy extends LitElement {}
    class FromSecondCopy extends LitElement {}
    class FromThirdCopy extends LitElement {}
    defineElement('test-define-copies', FromFirstCopy);
    const warnings = captureWarnings();
    let registered: CustomElementConstructor | undefined;
    try {
      registered = defineElement('test-define-copies', FromSecondCopy);
      defineElement('test-define-copies', FromThirdCopy);
    } finally {
      warnings.restore();
    }
    expect(registered).to.equal(FromFirstCopy);
    expect(customElements.get('test-define-copies')).to.equal(FromFirstCopy);
    expect(warnings.messages).to.have.length(1);
    expect(warnings.messages[0]).to.contain('<test-define-copies> is already defined by another copy');
  });

  it('warns instead of throwing when the registry refuses the definition', () => {
    class ReusedConstructor extends LitElement {}
    defineElement('test-define-original-name', ReusedConstructor);
    const warnings = captureWarnings();
    try {
      // The registry rejects one constructor under two names with NotSupportedError.
      expect(defineElement('test-define-second-name', ReusedConstructor)).to.equal(undefined);
    } finally {
      warnings.restore();
    }
    expect(warnings.messages).to.have.length(1);
    expect(warnings.messages[0]).to.contain('<test-define-second-name> could not be defined');
  });
});
