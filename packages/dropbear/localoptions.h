/*
 * emb's choices on top of dropbear's default_options.h (read by the build,
 * before the defaults, so each #define here wins).
 */

/* Password checks are compiled in (crypt() from libxcrypt) so that a build can
 * allow them (emb build --root-password-hash); the node's run script starts
 * dropbear with -s, no password logins, unless /etc/emb/ssh-password-login says
 * the build allowed them. */
#define DROPBEAR_SVR_PASSWORD_AUTH 1

/* The RAM disk has /run (a tmpfs /init mounts) but no /var/run. */
#define DROPBEAR_PIDFILE "/run/dropbear.pid"
