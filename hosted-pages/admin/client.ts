// The back-office's only script, and an optional one: every page works without it.
// It turns on the "Copy" buttons (without it the value is plain selectable text) and lets Escape
// close an open "+" menu, giving focus back to its button.

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
