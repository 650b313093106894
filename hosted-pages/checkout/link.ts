// The shareable link's page (server/checkout/link.tsx): a GET never creates a checkout session, so
// the page posts its "Continue" form at once. Not after back/forward or a reload: the visitor came
// back here on purpose, and the button is there.
const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
const form = document.querySelector<HTMLFormElement>('form[data-autosubmit]');
if (form && (!nav || nav.type === 'navigate')) form.requestSubmit();
