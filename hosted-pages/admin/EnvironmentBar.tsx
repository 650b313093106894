import type { AdminT } from './i18n.ts';

/** Shown at the top of every signed-in page while in test: which data this is is never in doubt. */
export function TestBanner({ t }: { t: AdminT }) {
  return (
    <div class="env-bar" role="note" data-test-mode>
      <p>{t('env_test_banner')}</p>
    </div>
  );
}

/**
 * The "Test mode" toggle: a plain form (works without scripts), a button that says whether test
 * mode is on (aria-pressed) and switches to the other environment.
 */
export function ModeToggle({ t, csrf, mode, next }: { t: AdminT; csrf: string; mode: 'test' | 'live'; next: string }) {
  const test = mode === 'test';
  return (
    <form method="post" action="/admin/mode" class="mode-toggle">
      <input type="hidden" name="_csrf" value={csrf} />
      <input type="hidden" name="next" value={next} />
      <input type="hidden" name="mode" value={test ? 'live' : 'test'} />
      <button type="submit" class="secondary" aria-pressed={test ? 'true' : 'false'} title={t(test ? 'env_switch_live' : 'env_switch_test')}>
        {t('env_test_mode')}
      </button>
    </form>
  );
}
