/** What /account says after something the reader did there (`?notice=`): the account's own, then a group join's outcome. */
export const ACCOUNT_NOTICES = {
  'password-changed': 'Your password has been changed and your other devices signed out.',
  'device-signed-out': 'That device has been signed out.',
  'others-signed-out': 'Every other device has been signed out.',
  'partner-claimed': 'Your partner access code is below: open its activation link to start.',
  'group-joined': 'You have joined the group: its access is yours until the group ends.',
  'group-already-member': 'You are already a member of that group.',
  'group-full': 'Every seat of that group is taken: you have not joined. Ask your institution to add seats.',
  'group-unverified': 'Confirm your email address first (sign in with an emailed code): only a verified address may join.',
  'group-not-eligible': 'That group is not open to your email address, or it has ended.',
} as const;
