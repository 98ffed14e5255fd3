// Sign-in view: e-mail + password against POST /api/auth/sign-in.
import { api } from '../api.js';
import { el } from '../dom.js';
import { describeError, t } from '../i18n.js';

let draftEmail = ''; // kept when the view is redrawn, e.g. after a language switch

export function renderSignIn(root, { onSignedIn }) {
  const email = el('input', {
    id: 'sign-in-email', name: 'email', type: 'email', autocomplete: 'username',
    autocapitalize: 'none', spellcheck: 'false', required: true,
  });
  email.value = draftEmail;
  email.addEventListener('input', () => { draftEmail = email.value; });
  const password = el('input', {
    id: 'sign-in-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true,
  });
  const error = el('p', { id: 'sign-in-error', class: 'form-error', role: 'alert' });
  const submit = el('button', { id: 'sign-in-submit', class: 'button primary', type: 'submit' }, t('signin.submit'));
  const form = el('form', { id: 'sign-in-form', class: 'stack', method: 'post', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'sign-in-email' }, t('signin.email')), email),
    el('div', { class: 'field' }, el('label', { for: 'sign-in-password' }, t('signin.password')), password),
    error,
    submit);

  root.append(el('main', { class: 'page signin-page' },
    el('div', { class: 'card' },
      el('h1', { tabindex: '-1' }, t('signin.title')),
      el('p', { class: 'muted' }, t('signin.intro')),
      form)));

  let alive = true;
  let unlockTimer = null;

  function setBusy(busy) {
    submit.disabled = busy;
    submit.textContent = t(busy ? 'signin.submitting' : 'signin.submit');
    form.setAttribute('aria-busy', String(busy));
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    const address = email.value.trim();
    if (!address || !password.value) {
      error.textContent = t('signin.missing');
      (address ? password : email).focus();
      return;
    }
    error.textContent = '';
    setBusy(true);
    try {
      const session = await api.signIn(address, password.value);
      draftEmail = '';
      if (alive) onSignedIn(session);
    } catch (err) {
      if (!alive) return;
      setBusy(false);
      if (err.status === 429) {
        error.textContent = err.retryAfter
          ? t('signin.rateLimited', { count: err.retryAfter })
          : t('signin.rateLimitedSoon');
        if (err.retryAfter) lockFor(err.retryAfter);
      } else {
        error.textContent = describeError(err);
      }
      if (err.code === 'invalid_credentials') {
        password.value = '';
        password.focus();
      }
    }
  });

  // After a 429 the button stays disabled until Retry-After has passed.
  function lockFor(seconds) {
    submit.disabled = true;
    clearTimeout(unlockTimer);
    unlockTimer = setTimeout(() => { submit.disabled = false; }, seconds * 1000);
  }

  return () => {
    alive = false;
    clearTimeout(unlockTimer);
  };
}
