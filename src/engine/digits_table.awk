# digits_table.awk — turns lessons/data/digits.csv (the 8x8 handwritten
# digits: a header, then 1797 rows of 64 pixels 0..16 and the digit 0..9)
# into the C table data.c reads (make_digits), so the data set is in the
# binary wherever it runs. The Makefile runs it whenever the CSV changes:
#   awk -f src/engine/digits_table.awk lessons/data/digits.csv > digits_table.c
# Any cell that is not a whole number in range stops the build.
BEGIN {
    FS = ","
    print "/* Generated from lessons/data/digits.csv by src/engine/digits_table.awk: do not edit. */"
    print "#include <stddef.h>"
    print "/* Rows of 64 pixels (0..16, row-major 8x8) then the digit. */"
    print "extern const unsigned char data_digits_cells[];"
    print "extern const size_t data_digits_len;"
    print "const unsigned char data_digits_cells[] = {"
}
{ sub(/\r$/, "") }
NR == 1 {
    if (NF != 65 || $1 != "p0" || $64 != "p63") {
        print "digits_table.awk: " FILENAME ": the header is not p0..p63,digit" > "/dev/stderr"
        bad = 1
        exit 1
    }
    next
}
{
    if (NF != 65) {
        print "digits_table.awk: " FILENAME ":" NR ": " NF " cells, not 65" > "/dev/stderr"
        bad = 1
        exit 1
    }
    line = ""
    for (i = 1; i <= NF; i++) {
        top = i == NF ? 9 : 16
        if ($i !~ /^[0-9]+$/ || $i + 0 > top) {
            print "digits_table.awk: " FILENAME ":" NR ": cell " i " is '" $i "', not 0.." top > "/dev/stderr"
            bad = 1
            exit 1
        }
        line = line ($i + 0) ","
    }
    print line
    rows++
}
END {
    if (bad)
        exit 1
    if (rows < 1) {
        print "digits_table.awk: " FILENAME ": no rows" > "/dev/stderr"
        exit 1
    }
    print "};"
    print "const size_t data_digits_len = sizeof data_digits_cells;"
}
