// Lit + @lit-labs/virtualizer: the base a hand-written Lit table starts from.
export { html, render, LitElement } from 'lit';
export * from '@lit-labs/virtualizer';
