/* arch/console_find.h: finding the console after ACPI (see arch/console_find.c). */
#ifndef ARCH_CONSOLE_FIND_H
#define ARCH_CONSOLE_FIND_H

#include "arch/acpi_host.h"

void console_find_late(const struct acpi_host *acpi);

#endif
