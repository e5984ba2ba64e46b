/* main.c — paramlab's entry point: parses the command line, makes the
 * session and hands it to the interactive loop, a script, or -c commands.
 * The only place that decides the process exit code. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "repl.h"
#include "session.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: paramlab [options] [FILE.plab ...]\n"
            "\n"
            "An interactive REPL for learning how a model's parameters are learned.\n"
            "\n"
            "  paramlab                   the REPL when stdin is a terminal\n"
            "  paramlab FILE.plab ...     run scripts of commands, then exit\n"
            "  paramlab -c 'CMD; CMD'     run commands, then exit\n"
            "  paramlab --batch < FILE    read commands from stdin without prompts\n"
            "                             (the default whenever stdin is not a terminal)\n"
            "\n"
            "options:\n"
            "  -c CMDS        commands to run (';' separates them)\n"
            "  --batch        read commands from stdin, no prompt\n"
            "  --bail         stop at the first error\n"
            "  --seed N       the session seed (default 42)\n"
            "  -q, --quiet    no banner\n"
            "  -h, --help     this text\n"
            "  -V, --version  the version\n"
            "\n"
            "Exit codes: 0 ok, 1 a command failed, 2 usage error, 130 interrupted.\n"
            "Inside, `help` lists every command.\n");
}

int main(int argc, char **argv)
{
    bool batch = false, bail = false, quiet = false;
    const char *cmds = NULL;
    long seed = -1;
    int first_file = argc;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
            printf("paramlab %s\n", PARAMLAB_VERSION);
            return 0;
        } else if (strcmp(a, "--batch") == 0) {
            batch = true;
        } else if (strcmp(a, "--bail") == 0) {
            bail = true;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if (strcmp(a, "-c") == 0) {
            if (++i == argc) {
                fprintf(stderr, "paramlab: -c needs commands, as in -c 'data moons; model mlp 8'\n");
                return 2;
            }
            cmds = argv[i];
        } else if (strcmp(a, "--seed") == 0) {
            if (++i == argc || !util_parse_long(argv[i], 0, 0x7fffffffffffffffL, &seed)) {
                fprintf(stderr, "paramlab: --seed needs a whole number of 0 or more\n");
                return 2;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "paramlab: unknown option '%s' (paramlab --help lists them)\n", a);
            return 2;
        } else {
            first_file = i;
            break;
        }
    }
    if (cmds && first_file < argc) {
        fprintf(stderr, "paramlab: give either -c commands or files, not both\n");
        return 2;
    }

    Session *s = session_new();
    if (!s) {
        fprintf(stderr, "paramlab: out of memory\n");
        return 1;
    }
    if (seed >= 0)
        session_set_seed(s, (uint64_t)seed);
    repl_signals();
    s->interrupt = &repl_interrupted;
    CmdCtx c = {.s = s, .out = stdout, .interrupt = &repl_interrupted};

    int code = 0;
    if (cmds) {
        code = repl_string(&c, cmds, "-c", bail);
    } else if (first_file < argc) {
        for (int i = first_file; i < argc && code == 0 && !c.quit; i++) {
            FILE *f = fopen(argv[i], "r");
            if (!f) {
                fprintf(stderr, "paramlab: cannot open %s: %s\n", argv[i], strerror(errno));
                code = 1;
                break;
            }
            code = repl_batch(&c, f, argv[i], bail);
            fclose(f);
        }
    } else if (!batch && isatty(STDIN_FILENO)) {
        c.interactive = true;
        code = repl_interactive(&c, quiet);
    } else {
        code = repl_batch(&c, stdin, "<stdin>", bail);
    }
    session_free(s);
    return code;
}
