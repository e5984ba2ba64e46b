/* cmd_table.h — every command of paramlab (cmd_table.c): the rows main
 * registers with cmd_register. */
#ifndef PARAMLAB_CMD_TABLE_H
#define PARAMLAB_CMD_TABLE_H

#include "cmd.h"

extern const Cmd cmd_table[];

#endif
