/**
 * The only module that knows about `@vscode/webview-ui-toolkit` (deprecated and archived in
 * January 2025, microsoft/vscode-webview-ui-toolkit #561). The rest of the webview asks for a
 * button or a checkbox here; swapping the toolkit (e.g. for `@vscode-elements/elements`) touches
 * this file only. Under the panel's strict CSP the toolkit's styles work because Chromium gives
 * FAST constructable stylesheets (`adoptedStyleSheets`), which `style-src` does not block.
 */
import { defineTerm, undefineTerm } from './definitionTip';
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeCheckbox } from '@vscode/webview-ui-toolkit';

let registered = false;

/** Registers the toolkit's custom elements that the panel uses (once). */
export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox());
}

export interface Toggle {
  readonly element: HTMLElement;
  checked: boolean;
  disabled: boolean;
}

interface CheckedElement extends HTMLElement {
  checked: boolean;
  disabled: boolean;
}

/** A labelled checkbox; `onChange` is called on user changes only, not when set from code. */
export function createToggle(label: string, name: string, onChange: (checked: boolean) => void): Toggle {
  registerToolkit();
  const el = document.createElement('vscode-checkbox') as CheckedElement;
  el.textContent = label;
  el.dataset.toggle = name;
  let settingFromCode = false;
  el.addEventListener('change', () => {
    if (!settingFromCode) onChange(el.checked);
  });
  return {
    element: el,
    get checked() {
      return el.checked;
    },
    set checked(value: boolean) {
      if (el.checked === value) return;
      settingFromCode = true;
      el.checked = value;
      settingFromCode = false;
    },
    get disabled() {
      return el.disabled;
    },
    set disabled(value: boolean) {
      el.disabled = value;
    },
  };
}

/** A secondary button. */
export function createButton(label: string, name: string, onClick: () => void): HTMLElement {
  registerToolkit();
  const el = document.createElement('vscode-button');
  el.setAttribute('appearance', 'secondary');
  el.textContent = label;
  el.dataset.button = name;
  el.addEventListener('click', onClick);
  return el;
}

export interface Choice<T extends string> {
  readonly element: HTMLElement;
  value: T;
  disabled: boolean;
  /** A hint on the whole control (why it is disabled, say). */
  hint: string;
}

/**
 * A small segmented control of mutually exclusive options (a radio group of buttons: Tab reaches
 * it, arrows move between options). `onChange` is called on user choices only, not when set from
 * code. Plain buttons: the toolkit's radio group does not fit a compact toolbar.
 */
export function createChoice<T extends string>(label: string, name: string, options: readonly { value: T; label: string; title?: string }[], initial: T, onChange: (value: T) => void): Choice<T> {
  const group = document.createElement('div');
  group.className = 'choice';
  group.setAttribute('role', 'radiogroup');
  group.setAttribute('aria-label', label);
  group.dataset.choice = name;
  const caption = document.createElement('span');
  caption.className = 'choice-label';
  caption.textContent = label;
  group.append(caption);
  let value = initial;
  let disabled = false;
  let hint = '';
  const buttons = options.map((o) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'choice-option';
    b.textContent = o.label;
    b.dataset.value = o.value;
    b.setAttribute('role', 'radio');
    if (o.title) defineTerm(b, o.title, { control: true });
    b.addEventListener('click', () => choose(o.value, true));
    b.addEventListener('keydown', (e) => {
      const i = options.findIndex((x) => x.value === value);
      const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
      if (!step) return;
      e.preventDefault();
      const next = options[(i + step + options.length) % options.length].value;
      choose(next, true);
      buttons.find((x) => x.dataset.value === next)?.focus();
    });
    group.append(b);
    return b;
  });
  const show = (): void => {
    for (const b of buttons) {
      const on = b.dataset.value === value;
      b.setAttribute('aria-checked', String(on));
      // One tab stop for the group: the chosen option.
      b.tabIndex = on ? 0 : -1;
      b.disabled = disabled;
    }
  };
  const choose = (v: T, fromUser: boolean): void => {
    if (disabled) return;
    const changed = v !== value;
    value = v;
    show();
    if (fromUser && changed) onChange(v);
  };
  show();
  return {
    element: group,
    get value() {
      return value;
    },
    set value(v: T) {
      value = v;
      show();
    },
    get disabled() {
      return disabled;
    },
    set disabled(d: boolean) {
      disabled = d;
      show();
    },
    get hint() {
      return hint;
    },
    set hint(text: string) {
      // On the caption, a term of its own: a disabled option cannot take focus to show it.
      hint = text;
      // Not hoverable: it sits over the controls under the choice, which the pointer goes on to.
      if (text) defineTerm(caption, text, { hoverable: false });
      else undefineTerm(caption);
    },
  };
}
