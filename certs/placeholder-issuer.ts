/** The issuer name placeholders carry; status and the renewer recognise them by it. */
export const PLACEHOLDER_ISSUER = 'tunnelgate placeholder';
