// The shareable link's page (server/checkout/link.tsx): a GET never creates a checkout session, so
// the page posts its "Continue" form at once. Submitted before the page finished loading and
// without a click, the navigation replaces this page in the history (HTML's navigate algorithm),
// so "back" from checkout returns to where the visitor came from. Not after a reload or
// back/forward landing here anyway: the visitor chose to be here, and the button is there.
const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
const form = document.querySelector<HTMLFormElement>('form[data-autosubmit]');
if (form && (!nav || nav.type === 'navigate')) form.requestSubmit();
