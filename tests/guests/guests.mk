# tests/guests/guests.mk: the test guests, the kernels the hypervisor boots in its VM to test it:
# build/guests/hello.elf (the default guest), build/guests/vmtest.elf (the test guest),
# build/guests/apictest.elf (the local APIC's test guest) and build/guests/bench.elf (the
# benchmarks). 32-bit multiboot (v1) ELF images linked at 1 MiB. Their whole interface to the
# hypervisor is lib/guest_abi.h. Included by the top Makefile (target `guests`); on its own:
# `make -f tests/guests/guests.mk` from the repository root. Every variable here starts with GUEST_
# so the top Makefile's own are untouched. The 32-bit objects go to build/guests/obj/, away from the
# hypervisor's 64-bit objects of the same shared sources (lib/printf.c, arch/acpi.c: build/).

GUEST_PREV_GOAL := $(.DEFAULT_GOAL)

GUEST_BUILD  := $(or $(BUILD),build)/guests
GUEST_OBJDIR := $(or $(BUILD),build)/guests/obj
GUEST_CC     := gcc
GUEST_LD     := ld
GUEST_NASM   := nasm

# The guest library, and the project's own pure code it reuses, built for 32 bits.
GUEST_LIB_C_SRCS := \
	tests/guests/lib/start.c \
	tests/guests/lib/console.c \
	tests/guests/lib/trap.c \
	tests/guests/lib/msr.c \
	tests/guests/lib/hypercall.c \
	tests/guests/lib/multiboot.c \
	tests/guests/lib/smp.c \
	tests/guests/lib/power.c \
	tests/guests/lib/check.c \
	tests/guests/lib/gdt.c \
	tests/guests/lib/ring3.c \
	tests/guests/lib/libgcc.c \
	lib/printf.c \
	lib/string.c \
	lib/cmdline.c \
	arch/acpi.c

GUEST_LIB_ASM_SRCS := \
	tests/guests/lib/entry.asm \
	tests/guests/lib/trap_entry.asm \
	tests/guests/lib/ring3_entry.asm

GUEST_HELLO_SRCS := \
	tests/guests/hello/main.c

GUEST_VMTEST_SRCS := \
	tests/guests/vmtest/main.c \
	tests/guests/vmtest/ap.c \
	tests/guests/vmtest/cpuid.c \
	tests/guests/vmtest/exitcount.c \
	tests/guests/vmtest/msr.c \
	tests/guests/vmtest/ports.c \
	tests/guests/vmtest/ioapic.c \
	tests/guests/vmtest/hlt.c \
	tests/guests/vmtest/vmcall.c \
	tests/guests/vmtest/hvmem.c \
	tests/guests/vmtest/apic.c \
	tests/guests/vmtest/console.c \
	tests/guests/vmtest/apicstart.c \
	tests/guests/vmtest/xsetbv.c \
	tests/guests/vmtest/cpl3.c \
	tests/guests/vmtest/pae.c \
	tests/guests/vmtest/longmode.c \
	tests/guests/vmtest/destructive.c \
	tests/guests/vmtest/multivm.c \
	tests/guests/vmtest/chaos.c \
	tests/guests/vmtest/chaos_ops.c \
	tests/guests/vmtest/chaos_apic.c \
	tests/guests/lib/apic.c \
	apic/apic_base.c

GUEST_GDBTEST_SRCS := \
	tests/guests/gdbtest/main.c

GUEST_BENCH_SRCS := \
	tests/guests/bench/main.c \
	tests/guests/bench/roundtrip.c \
	tests/guests/bench/apic_exits.c \
	tests/guests/bench/ipi.c

# The APIC test guest, and the library's local APIC and INIT-SIPI-SIPI part, which only it links
# (the other guests start their vCPUs with HC_START_VCPU).
GUEST_APICLIB_C_SRCS := \
	tests/guests/lib/apic.c \
	apic/apic_base.c \
	tests/guests/lib/sipi.c

GUEST_APICLIB_ASM_SRCS := \
	tests/guests/lib/sipi_tramp.asm

GUEST_APICTEST_SRCS := \
	tests/guests/apictest/main.c \
	tests/guests/apictest/vcpus.c \
	tests/guests/apictest/timing.c \
	tests/guests/apictest/irq.c \
	tests/guests/apictest/ap.c \
	tests/guests/apictest/restore.c \
	tests/guests/apictest/sipi.c \
	tests/guests/apictest/base.c \
	tests/guests/apictest/base_reset.c \
	tests/guests/apictest/base_reloc.c \
	tests/guests/apictest/x2apic.c \
	tests/guests/apictest/ipi.c \
	tests/guests/apictest/ipi_directed.c \
	tests/guests/apictest/ipi_shorthand.c \
	tests/guests/apictest/ipi_lowest.c \
	tests/guests/apictest/ipi_nmi.c \
	tests/guests/apictest/ipi_mixed.c \
	tests/guests/apictest/timer.c \
	tests/guests/apictest/timer_modes.c \
	tests/guests/apictest/timer_halt.c \
	tests/guests/apictest/exits.c \
	tests/guests/apictest/latency.c

GUEST_LIB_OBJS    := $(GUEST_LIB_C_SRCS:%.c=$(GUEST_OBJDIR)/%.o) \
                     $(GUEST_LIB_ASM_SRCS:%.asm=$(GUEST_OBJDIR)/%.o)
GUEST_HELLO_OBJS  := $(GUEST_HELLO_SRCS:%.c=$(GUEST_OBJDIR)/%.o)
GUEST_VMTEST_ASM_SRCS := tests/guests/vmtest/longmode_asm.asm
GUEST_VMTEST_OBJS := $(GUEST_VMTEST_SRCS:%.c=$(GUEST_OBJDIR)/%.o) \
                     $(GUEST_VMTEST_ASM_SRCS:%.asm=$(GUEST_OBJDIR)/%.o)
GUEST_APICTEST_OBJS := $(GUEST_APICTEST_SRCS:%.c=$(GUEST_OBJDIR)/%.o) \
                       $(GUEST_APICLIB_C_SRCS:%.c=$(GUEST_OBJDIR)/%.o) \
                       $(GUEST_APICLIB_ASM_SRCS:%.asm=$(GUEST_OBJDIR)/%.o)
GUEST_BENCH_OBJS  := $(GUEST_BENCH_SRCS:%.c=$(GUEST_OBJDIR)/%.o)
GUEST_GDBTEST_OBJS := $(GUEST_GDBTEST_SRCS:%.c=$(GUEST_OBJDIR)/%.o)
GUEST_ELFS        := $(GUEST_BUILD)/hello.elf $(GUEST_BUILD)/vmtest.elf $(GUEST_BUILD)/bench.elf \
                     $(GUEST_BUILD)/apictest.elf $(GUEST_BUILD)/gdbtest.elf

# Freestanding 32-bit, no SSE (the guests never enable it in CR4) and no unwind tables or CET
# notes (nothing reads them).
GUEST_CFLAGS := -m32 -std=c11 -O2 -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(GUEST_CC) -print-file-name=include) -fno-pic -fno-pie \
	-fno-stack-protector -mgeneral-regs-only -fno-asynchronous-unwind-tables \
	-fcf-protection=none -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter -I. -MMD -MP
GUEST_NASMFLAGS := -f elf32 -I.
GUEST_LDFLAGS := -m elf_i386 -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments -T tests/guests/lib/guest.ld

.PHONY: guests
guests: $(GUEST_ELFS)

# arch/acpi.c prints its uint64_t addresses with %lx, right for the 64-bit hypervisor. Under -m32
# gcc's format check objects (uint64_t is unsigned long long there), but lib/printf.c reads every
# l-modified argument as 64 bits, so the output is still right: only that check is turned off.
$(GUEST_OBJDIR)/arch/acpi.o: GUEST_CFLAGS += -Wno-format

# The guest GDB debugs: with its variables and arguments in the debug information.
$(GUEST_GDBTEST_OBJS): GUEST_CFLAGS += -g -Og

$(GUEST_OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OBJDIR)/%.o: %.asm
	@mkdir -p $(dir $@)
	$(GUEST_NASM) $(GUEST_NASMFLAGS) -MD $(@:.o=.d) $< -o $@

$(GUEST_BUILD)/hello.elf: $(GUEST_HELLO_OBJS) $(GUEST_LIB_OBJS) tests/guests/lib/guest.ld
	$(GUEST_LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_HELLO_OBJS) $(GUEST_LIB_OBJS)

$(GUEST_BUILD)/vmtest.elf: $(GUEST_VMTEST_OBJS) $(GUEST_LIB_OBJS) tests/guests/lib/guest.ld
	$(GUEST_LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_VMTEST_OBJS) $(GUEST_LIB_OBJS)

$(GUEST_BUILD)/apictest.elf: $(GUEST_APICTEST_OBJS) $(GUEST_LIB_OBJS) tests/guests/lib/guest.ld
	$(GUEST_LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_APICTEST_OBJS) $(GUEST_LIB_OBJS)

$(GUEST_BUILD)/gdbtest.elf: $(GUEST_GDBTEST_OBJS) $(GUEST_LIB_OBJS) tests/guests/lib/guest.ld
	$(GUEST_LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_GDBTEST_OBJS) $(GUEST_LIB_OBJS)

$(GUEST_BUILD)/bench.elf: $(GUEST_BENCH_OBJS) $(GUEST_LIB_OBJS) tests/guests/lib/guest.ld
	$(GUEST_LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_BENCH_OBJS) $(GUEST_LIB_OBJS)

-include $(GUEST_BENCH_OBJS:.o=.d) $(GUEST_LIB_OBJS:.o=.d) $(GUEST_HELLO_OBJS:.o=.d) $(GUEST_VMTEST_OBJS:.o=.d)
-include $(GUEST_APICTEST_OBJS:.o=.d) $(GUEST_GDBTEST_OBJS:.o=.d)

# Included from the top Makefile: leave its default goal alone (clearing .DEFAULT_GOAL makes make
# pick the next target it reads, when this file comes before `all`). On its own: `guests`.
ifneq ($(firstword $(MAKEFILE_LIST)),tests/guests/guests.mk)
.DEFAULT_GOAL := $(GUEST_PREV_GOAL)
endif
