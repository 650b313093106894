// The back-office's only script, and an optional one: every page works without it.
// It turns on the "Copy" buttons (without it the value is plain selectable text), lets Escape
// close an open "+" menu, giving focus back to its button, and clears a field's old error as it changes.
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
  const input = document.getElementById(button.dataset.copy ?? '');
  if (!(input instanceof HTMLInputElement) || !navigator.clipboard) continue;
  const label = button.textContent ?? '';
  button.hidden = false;
  button.setAttribute('aria-live', 'polite');
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(input.value);
      button.textContent = button.dataset.copied ?? label;
      setTimeout(() => {
        button.textContent = label;
      }, 2000);
    } catch {
      // Clipboard refused (permissions): select the text so Ctrl+C does it.
      input.focus();
      input.select();
    }
  });
}

document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  for (const menu of document.querySelectorAll<HTMLDetailsElement>('details.add-menu[open]')) {
    menu.open = false;
    menu.querySelector('summary')?.focus();
  }
});

// A field's error from the last submission goes as soon as the field changes: the message under
// it, its red border (aria-invalid) and its announcement; errors of other fields stay. For a group
// of choices (radios, checkboxes) the group's message goes when any of its choices changes.
function clearError(control: Element): void {
  // Only a group of choices shares one message; other fields in a fieldset keep their own.
  const group = control.matches('input[type=radio], input[type=checkbox]') ? control.closest('fieldset[aria-describedby]') : null;
  const owners = [control, ...(group ? [group, ...group.querySelectorAll('[aria-invalid="true"]')] : [])];
  for (const owner of owners) {
    const ids = (owner.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    const kept = ids.filter((id) => {
      const message = document.getElementById(id);
      if (!message?.classList.contains('error')) return true;
      message.remove();
      return false;
    });
    if (kept.length !== ids.length) {
      if (kept.length > 0) owner.setAttribute('aria-describedby', kept.join(' '));
      else owner.removeAttribute('aria-describedby');
    }
    if (owner !== group) owner.removeAttribute('aria-invalid');
  }
}

for (const type of ['input', 'change']) {
  document.addEventListener(type, (event) => {
    const target = event.target;
    if (!(target instanceof Element) || !target.closest('form')) return;
    if (target.matches('[aria-invalid="true"]') || target.matches('input[type=radio], input[type=checkbox]')) clearError(target);
  });
}
