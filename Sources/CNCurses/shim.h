#ifndef CERTMAP_CNCURSES_SHIM_H
#define CERTMAP_CNCURSES_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#include <ncursesw/curses.h>
#include <locale.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

/* Everything ncurses offers only as macros (or as variables Swift cannot see reliably), wrapped
   in static inline functions for NCursesBackend.swift. Nothing else belongs here. */

/* Style bits, matching CertMapConsole.TextAttributes. */
enum { CERTMAP_BOLD = 1, CERTMAP_DIM = 2, CERTMAP_UNDERLINE = 4, CERTMAP_REVERSE = 8, CERTMAP_ITALIC = 16 };

static inline int certmap_set_style(short pair, unsigned bits) {
    attr_t attributes = A_NORMAL;
    if (bits & CERTMAP_BOLD) attributes |= A_BOLD;
    if (bits & CERTMAP_DIM) attributes |= A_DIM;
    if (bits & CERTMAP_UNDERLINE) attributes |= A_UNDERLINE;
    if (bits & CERTMAP_REVERSE) attributes |= A_REVERSE;
#ifdef A_ITALIC
    if (bits & CERTMAP_ITALIC) attributes |= A_ITALIC;
#endif
    return attrset(attributes | COLOR_PAIR(pair));
}

static inline int certmap_width(void) { return getmaxx(stdscr); }
static inline int certmap_height(void) { return getmaxy(stdscr); }
static inline int certmap_colors(void) { return COLORS; }
static inline int certmap_keypad_on(void) { return keypad(stdscr, TRUE); }
static inline void certmap_input_timeout(int milliseconds) { timeout(milliseconds); }
static inline int certmap_put(int y, int x, const char *utf8) { return mvaddstr(y, x, utf8); }
static inline int certmap_clear_all(void) { return clearok(stdscr, TRUE); }

/* get_wch: returns OK (a character in *value), KEY_CODE_YES (a key code in *value) or ERR. */
static inline int certmap_read(unsigned *value) {
    wint_t ch = 0;
    int result = get_wch(&ch);
    *value = (unsigned)ch;
    return result;
}
static inline int certmap_key_code_yes(void) { return KEY_CODE_YES; }

/* Key codes, translated to small stable numbers so Swift needs none of the KEY_ macros:
   1 up, 2 down, 3 left, 4 right, 5 page up, 6 page down, 7 home, 8 end, 9 backspace,
   10 delete, 11 back tab, 12 enter, 13 resize, 100+n function key n, 0 anything else. */
static inline int certmap_translate_key(unsigned code) {
    switch (code) {
    case KEY_UP: return 1;
    case KEY_DOWN: return 2;
    case KEY_LEFT: return 3;
    case KEY_RIGHT: return 4;
    case KEY_PPAGE: return 5;
    case KEY_NPAGE: return 6;
    case KEY_HOME: return 7;
    case KEY_END: return 8;
    case KEY_BACKSPACE: return 9;
    case KEY_DC: return 10;
    case KEY_BTAB: return 11;
    case KEY_ENTER: return 12;
    case KEY_RESIZE: return 13;
    default:
        if (code >= (unsigned)KEY_F(1) && code <= (unsigned)KEY_F(24)) return 100 + (int)(code - KEY_F(0));
        return 0;
    }
}
/* Opens the terminal without initscr's exit() on failure: NULL when TERM is unknown. */
static inline SCREEN *certmap_open_terminal(void) { return newterm(NULL, stdout, stdin); }

/* If the process dies of a fatal signal (a Swift trap is SIGILL or SIGTRAP), put the terminal
   back before dying: the saved termios (tcsetattr is async-signal-safe), the cursor shown, the
   alternate screen left. Then the signal is re-raised with its default action. */
/* Storage lives in a function so the Swift importer emits it with the functions that use it. */
struct certmap_saved_terminal { struct termios termios; volatile sig_atomic_t valid; };
static inline struct certmap_saved_terminal *certmap_saved(void) {
    static struct certmap_saved_terminal saved;
    return &saved;
}

static void certmap_restore_and_reraise(int sig) {
    if (certmap_saved()->valid) tcsetattr(STDIN_FILENO, TCSANOW, &certmap_saved()->termios);
    static const char sequence[] = "\033[0m\033[?25h\033[?1049l\r\n";
    ssize_t ignored = write(STDOUT_FILENO, sequence, sizeof sequence - 1);
    (void)ignored;
    signal(sig, SIG_DFL);
    raise(sig);
}

static inline void certmap_install_crash_restore(void) {
    if (tcgetattr(STDIN_FILENO, &certmap_saved()->termios) == 0) certmap_saved()->valid = 1;
    int fatal[] = { SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE };
    for (unsigned i = 0; i < sizeof fatal / sizeof fatal[0]; i++) signal(fatal[i], certmap_restore_and_reraise);
}

static inline void certmap_uninstall_crash_restore(void) {
    int fatal[] = { SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE };
    for (unsigned i = 0; i < sizeof fatal / sizeof fatal[0]; i++) signal(fatal[i], SIG_DFL);
    certmap_saved()->valid = 0;
}
#endif
