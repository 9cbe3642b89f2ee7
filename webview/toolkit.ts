/**
 * The only module that knows about `@vscode/webview-ui-toolkit` (deprecated and archived in
 * January 2025, microsoft/vscode-webview-ui-toolkit #561). The rest of the webview asks for a
 * button or a checkbox here; swapping the toolkit (e.g. for `@vscode-elements/elements`) touches
 * this file only. Under the panel's strict CSP the toolkit's styles work because Chromium gives
 * FAST constructable stylesheets (`adoptedStyleSheets`), which `style-src` does not block.
 */
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
