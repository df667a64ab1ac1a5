/*
 * emb's choices on top of dropbear's default_options.h (read by the build,
 * before the defaults, so each #define here wins).
 */

/* Nodes are reached with keys only. Without password logins dropbear never
 * calls crypt(), so it need not link libcrypt.so.1, which in bookworm comes
 * from libxcrypt and not from glibc (the image ships glibc alone). */
#define DROPBEAR_SVR_PASSWORD_AUTH 0

/* The RAM disk has /run (a tmpfs /init mounts) but no /var/run. */
#define DROPBEAR_PIDFILE "/run/dropbear.pid"
