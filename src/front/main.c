/* main.c — paramlab's entry point: parses the command line, makes the
 * session and hands it to the interactive loop, a lesson, a script, -c
 * commands or --check. The only place that decides the process exit code. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_lesson.h"
#include "cmd_search.h"
#include "cmd_plot.h"
#include "cmd_table.h"
#include "repl.h"
#include "session.h"

static bool is_lesson(const char *path)
{
    size_t n = strlen(path);
    return n > 3 && strcmp(path + n - 3, ".md") == 0;
}

/* --check: each file straight through in a fresh session, quietly; one
 * "ok FILE (...)" line per file that passes, and for one that fails its
 * first failure (FILE:LINE: message on stderr). Every file is checked
 * unless Ctrl-C stops it. Returns the exit code. */
static int check_files(CmdCtx *c, char **files, int n, long seed)
{
    FILE *sink = fopen("/dev/null", "w");
    if (!sink) {
        fprintf(stderr, "paramlab: cannot open /dev/null: %s\n", strerror(errno));
        return 1;
    }
    int code = 0;
    int failed = 0;
    for (int i = 0; i < n && code != 130; i++) {
        Session *s = session_new();
        if (!s) {
            fprintf(stderr, "paramlab: out of memory\n");
            code = 1;
            break;
        }
        cmd_lesson_set_session(c, s);
        if (seed >= 0) {
            char line[48];
            session_set_seed(s, (uint64_t)seed);
            snprintf(line, sizeof line, "set seed %ld", seed);
            cmd_lesson_log_add(c, line);
        }
        CmdRunStats st;
        c->out = sink;
        int rc = cmd_lesson_run_file(c, files[i], 0, &st);
        c->out = stdout;
        if (rc == 1) {
            fprintf(stderr, "%s: interrupted\n", files[i]);
            code = 130;
        } else if (rc != 0) {
            fprintf(stderr, "%s\n", c->err);
            code = 1;
            failed++;
        } else if (is_lesson(files[i])) {
            printf("ok %s (%d block%s, %ld expectation%s)\n", files[i], st.blocks, st.blocks == 1 ? "" : "s",
                   st.expects, st.expects == 1 ? "" : "s");
        } else {
            printf("ok %s (%ld command%s, %ld expectation%s)\n", files[i], st.commands,
                   st.commands == 1 ? "" : "s", st.expects, st.expects == 1 ? "" : "s");
        }
        fflush(stdout);
    }
    fclose(sink);
    if (failed && n > 1)
        fprintf(stderr, "%d of %d files failed\n", failed, n);
    return code;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: paramlab [options] [FILE.md | FILE.plab ...]\n"
            "       paramlab --check FILE...\n"
            "\n"
            "An interactive REPL for learning how a model's parameters are learned.\n"
            "\n"
            "  paramlab                   the REPL when stdin is a terminal\n"
            "  paramlab FILE.md           take a lesson: on a terminal one part at a time,\n"
            "                             then the REPL; otherwise straight through\n"
            "  paramlab FILE.plab ...     run scripts of commands, then exit\n"
            "  paramlab --check FILE...   run lessons (.md) and scripts straight through,\n"
            "                             verify every `expect`; \"ok FILE (...)\" per file,\n"
            "                             or its first failure (FILE:LINE: message)\n"
            "  paramlab -c 'CMD; CMD'     run commands, then exit\n"
            "  paramlab --batch < FILE    read commands from stdin without prompts\n"
            "                             (the default whenever stdin is not a terminal)\n"
            "\n"
            "options:\n"
            "  -c CMDS        commands to run (';' separates them)\n"
            "  --check        check the files given (never waits for input)\n"
            "  --batch        read commands from stdin, no prompt\n"
            "  --bail         stop at the first error\n"
            "  --seed N       the session seed (default 42)\n"
            "  -q, --quiet    no banner\n"
            "  -h, --help     this text\n"
            "  -V, --version  the version\n"
            "\n"
            "Exit codes: 0 ok, 1 a command or an expectation failed (or a lesson was\n"
            "refused), 2 usage error, 130 interrupted.\n"
            "Inside, `lesson 1` starts the first lesson and `help` lists every command.\n");
}

int main(int argc, char **argv)
{
    bool batch = false, bail = false, quiet = false, check = false;
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
        } else if (strcmp(a, "--check") == 0) {
            check = true;
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
    if (check && (cmds || first_file == argc)) {
        fprintf(stderr, "paramlab: --check needs lesson or script files, as in --check lessons/*.md\n");
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
    cmd_register(cmd_table);
    CmdCtx c = {.s = s, .out = stdout, .interrupt = &repl_interrupted};
    if (cmd_lesson_init(&c) != 0) {
        fprintf(stderr, "paramlab: out of memory\n");
        session_free(s);
        return 1;
    }
    c.seed_given = seed >= 0; /* lessons start with it */
    c.seed_option = seed;
    if (seed >= 0) { /* so that `record` writes a script that replays with this seed */
        char line[48];
        snprintf(line, sizeof line, "set seed %ld", seed);
        cmd_lesson_log_add(&c, line);
    }

    int code = 0;
    bool tty = !batch && isatty(STDIN_FILENO);
    if (check) {
        code = check_files(&c, argv + first_file, argc - first_file, seed);
    } else if (cmds) {
        code = repl_string(&c, cmds, "-c", bail);
    } else if (first_file == argc - 1 && is_lesson(argv[first_file]) && tty) {
        c.interactive = true;
        code = repl_interactive(&c, quiet, argv[first_file]);
    } else if (first_file < argc) {
        for (int i = first_file; i < argc && code == 0 && !c.quit; i++) {
            if (is_lesson(argv[i])) { /* no one to pace it: straight through, prose and all */
                CmdRunStats st;
                int rc = cmd_lesson_run_file(&c, argv[i], CMD_RUN_ECHO | CMD_RUN_PROSE, &st);
                fflush(stdout);
                if (rc < 0)
                    fprintf(stderr, "%s\n", c.err);
                code = rc < 0 ? 1 : rc == 1 ? 130 : 0;
                continue;
            }
            char why[ERR_LEN];
            FILE *f = util_open_file(argv[i], why);
            if (!f) {
                fprintf(stderr, "paramlab: %s\n", why);
                code = 1;
                break;
            }
            c.scripted++; /* a script: the file policy applies (cmd_policy.h) */
            code = repl_batch(&c, f, argv[i], bail);
            c.scripted--;
            fclose(f);
        }
    } else if (tty) {
        c.interactive = true;
        code = repl_interactive(&c, quiet, NULL);
    } else {
        code = repl_batch(&c, stdin, "<stdin>", bail);
    }
    cmd_plot_free(&c);
    cmd_lesson_free(&c);
    cmd_search_free(&c);
    session_free(c.s); /* a lesson may have replaced the session */
    return code;
}
