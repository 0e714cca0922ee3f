/* Marker keys while recording: from the terminal (the live view's, read in
 * non-canonical mode without echo) and from --marker-fifo PATH (bytes read
 * as if typed, for scripts and tests). Space stores a marker "mark", the
 * digits 1-9 a marker "1".."9"; other keys are ignored.
 *
 * The terminal's mode is restored on every way out: teardown (every ending
 * of the session, the hung-device _exit included), the fatal signals
 * (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT: restored, then the default
 * action) and Ctrl-Z (restored before the stop, set again on SIGCONT). The
 * stop signals (SIGINT, ...) only end the session, whose teardown restores
 * it. Only SIGKILL leaves the terminal as it was set (`reset` mends it).
 * A capture in the background (`&`, or bg after Ctrl-Z) leaves the
 * terminal alone: it neither sets the mode nor reads keys (either would
 * stop it with SIGTTOU or SIGTTIN). */
#define _POSIX_C_SOURCE 200809L
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "tool.h"

/* What the signal handlers need: one terminal per process. */
static struct termios saved_mode, keys_mode;
static volatile sig_atomic_t tty_fd = -1; /* >= 0 while the terminal is in our mode */

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

/* Whether the process is the terminal's foreground job (async-signal-safe). */
static int in_foreground(int fd)
{
    return tcgetpgrp(fd) == getpgrp();
}

static void on_fatal(int sig)
{
    if (tty_fd >= 0) tcsetattr(tty_fd, TCSANOW, &saved_mode);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void on_tstp(int sig)
{
    (void)sig;
    int saved_errno = errno;
    if (tty_fd >= 0) tcsetattr(tty_fd, TCSANOW, &saved_mode);
    signal(SIGTSTP, SIG_DFL);
    raise(SIGTSTP); /* delivered (the stop) once this handler returns */
    errno = saved_errno;
}

static void on_cont(int sig)
{
    (void)sig;
    int saved_errno = errno;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_tstp;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTSTP, &sa, NULL);
    if (tty_fd >= 0 && in_foreground(tty_fd)) tcsetattr(tty_fd, TCSANOW, &keys_mode);
    errno = saved_errno;
}

static void install_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_fatal;
    for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++) sigaction(fatal_signals[i], &sa, NULL);
    sa.sa_handler = on_tstp;
    sigaction(SIGTSTP, &sa, NULL);
    sa.sa_handler = on_cont;
    sigaction(SIGCONT, &sa, NULL);
}

void cap_keys_init(cap_keys *k)
{
    k->tty = -1;
    k->fifo = -1;
}

int cap_keys_open_fifo(cap_keys *k, const char *fifo_path)
{
    {
        /* Non-blocking: a FIFO opens without a writer, and reads return
         * what is there. */
        k->fifo = open(fifo_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (k->fifo < 0) return tool_error("--marker-fifo %s: cannot open: %s", fifo_path, strerror(errno));
        struct stat st;
        if (fstat(k->fifo, &st) != 0 || !(S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode))) {
            close(k->fifo);
            k->fifo = -1;
            return tool_error("--marker-fifo %s: not a FIFO or a file", fifo_path);
        }
    }
    return 0;
}

void cap_keys_start_terminal(cap_keys *k)
{
    if (isatty(STDIN_FILENO) && in_foreground(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_mode) == 0) {
        keys_mode = saved_mode;
        keys_mode.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
        keys_mode.c_cc[VMIN] = 0; /* reads return at once, with what was typed */
        keys_mode.c_cc[VTIME] = 0;
        install_handlers();
        if (tcsetattr(STDIN_FILENO, TCSANOW, &keys_mode) == 0) {
            k->tty = STDIN_FILENO;
            tty_fd = STDIN_FILENO;
        }
    }
}

/* The marker label of a key, or NULL. */
static const char *label_of(char c)
{
    static const char *const digits[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9"};
    if (c == ' ') return "mark";
    if (c >= '1' && c <= '9') return digits[c - '1'];
    return NULL;
}

static size_t poll_fd(int fd, const char **labels, size_t max)
{
    size_t n = 0;
    char buf[64];
    while (n < max) {
        ssize_t got = read(fd, buf, sizeof buf < max - n ? sizeof buf : max - n);
        if (got <= 0) break; /* nothing now (EAGAIN, no writer, end of file) */
        for (ssize_t i = 0; i < got; i++) {
            const char *l = label_of(buf[i]);
            if (l) labels[n++] = l;
        }
    }
    return n;
}

size_t cap_keys_poll(cap_keys *k, const char **labels, size_t max)
{
    size_t n = 0;
    if (k->tty >= 0 && in_foreground(k->tty)) n += poll_fd(k->tty, labels, max);
    if (k->fifo >= 0) n += poll_fd(k->fifo, labels + n, max - n);
    return n;
}

void cap_keys_close(cap_keys *k)
{
    if (k->tty >= 0) {
        tty_fd = -1;
        /* In the background (bg after Ctrl-Z) the mode was restored at the
         * stop and setting it would stop us (SIGTTOU). */
        if (in_foreground(k->tty)) tcsetattr(k->tty, TCSANOW, &saved_mode);
        k->tty = -1;
    }
    if (k->fifo >= 0) close(k->fifo);
    k->fifo = -1;
}
