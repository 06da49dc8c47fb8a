# guest/guest.mk: the guest kernels the hypervisor boots in its VM: build/guest/hello.elf (the
# default guest), build/guest/vmtest.elf (the test guest) and build/guest/apictest.elf (the
# local APIC's test guest). 32-bit multiboot (v1) ELF images
# linked at 1 MiB. Included by the top Makefile (target `guests`); on its own:
# `make -f guest/guest.mk` from the repository root. Every variable here starts with GUEST_ so the
# top Makefile's own are untouched. The 32-bit objects go to build/guest-obj/, away from the
# 64-bit objects of the hypervisor's own sources in guest/ (build/guest/).

GUEST_PREV_GOAL := $(.DEFAULT_GOAL)

GUEST_BUILD  := $(or $(BUILD),build)/guest
GUEST_OBJDIR := $(or $(BUILD),build)/guest-obj
GUEST_CC     := gcc
GUEST_LD     := ld
GUEST_NASM   := nasm

# The guest library, and the project's own pure code it reuses, built for 32 bits.
GUEST_LIB_C_SRCS := \
	guest/lib/start.c \
	guest/lib/console.c \
	guest/lib/trap.c \
	guest/lib/msr.c \
	guest/lib/hypercall.c \
	guest/lib/multiboot.c \
	guest/lib/smp.c \
	guest/lib/power.c \
	guest/lib/check.c \
	guest/lib/gdt.c \
	guest/lib/ring3.c \
	guest/lib/libgcc.c \
	lib/printf.c \
	lib/string.c \
	lib/cmdline.c \
	arch/acpi.c

GUEST_LIB_ASM_SRCS := \
	guest/lib/entry.asm \
	guest/lib/trap_entry.asm \
	guest/lib/ring3_entry.asm

GUEST_HELLO_SRCS := \
	guest/hello/main.c

GUEST_VMTEST_SRCS := \
	guest/vmtest/main.c \
	guest/vmtest/ap.c \
	guest/vmtest/cpuid.c \
	guest/vmtest/exitcount.c \
	guest/vmtest/msr.c \
	guest/vmtest/ports.c \
	guest/vmtest/ioapic.c \
	guest/vmtest/hlt.c \
	guest/vmtest/vmcall.c \
	guest/vmtest/hvmem.c \
	guest/vmtest/apic.c \
	guest/vmtest/console.c \
	guest/vmtest/apicstart.c \
	guest/vmtest/xsetbv.c \
	guest/vmtest/cpl3.c \
	guest/vmtest/pae.c \
	guest/vmtest/longmode.c \
	guest/vmtest/destructive.c \
	guest/vmtest/chaos.c \
	guest/vmtest/chaos_ops.c \
	guest/vmtest/chaos_apic.c \
	guest/lib/apic.c \
	apic/apic_base.c

GUEST_BENCH_SRCS := \
	guest/bench/main.c \
	guest/bench/roundtrip.c \
	guest/bench/apic_exits.c \
	guest/bench/ipi.c

# The APIC test guest, and the library's local APIC and INIT-SIPI-SIPI part, which only it links
# (the other guests start their vCPUs with HC_START_VCPU).
GUEST_APICLIB_C_SRCS := \
	guest/lib/apic.c \
	apic/apic_base.c \
	guest/lib/sipi.c

GUEST_APICLIB_ASM_SRCS := \
	guest/lib/sipi_tramp.asm

GUEST_APICTEST_SRCS := \
	guest/apictest/main.c \
	guest/apictest/vcpus.c \
	guest/apictest/timing.c \
	guest/apictest/irq.c \
	guest/apictest/ap.c \
	guest/apictest/restore.c \
	guest/apictest/sipi.c \
	guest/apictest/base.c \
	guest/apictest/base_reset.c \
	guest/apictest/base_reloc.c \
	guest/apictest/x2apic.c \
	guest/apictest/ipi.c \
	guest/apictest/ipi_directed.c \
	guest/apictest/ipi_shorthand.c \
	guest/apictest/ipi_lowest.c \
	guest/apictest/ipi_nmi.c \
	guest/apictest/ipi_mixed.c \
	guest/apictest/timer.c \
	guest/apictest/timer_modes.c \
	guest/apictest/timer_halt.c \
	guest/apictest/exits.c \
	guest/apictest/latency.c

GUEST_LIB_OBJS    := $(GUEST_LIB_C_SRCS:%.c=$(GUEST_OBJDIR)/%.o) \
                     $(GUEST_LIB_ASM_SRCS:%.asm=$(GUEST_OBJDIR)/%.o)
GUEST_HELLO_OBJS  := $(GUEST_HELLO_SRCS:%.c=$(GUEST_OBJDIR)/%.o)
GUEST_VMTEST_ASM_SRCS := guest/vmtest/longmode_asm.asm
GUEST_VMTEST_OBJS := $(GUEST_VMTEST_SRCS:%.c=$(GUEST_OBJDIR)/%.o) \
                     $(GUEST_VMTEST_ASM_SRCS:%.asm=$(GUEST_OBJDIR)/%.o)
GUEST_APICTEST_OBJS := $(GUEST_APICTEST_SRCS:%.c=$(GUEST_OBJDIR)/%.o) \
                       $(GUEST_APICLIB_C_SRCS:%.c=$(GUEST_OBJDIR)/%.o) \
                       $(GUEST_APICLIB_ASM_SRCS:%.asm=$(GUEST_OBJDIR)/%.o)
GUEST_BENCH_OBJS  := $(GUEST_BENCH_SRCS:%.c=$(GUEST_OBJDIR)/%.o)
GUEST_ELFS        := $(GUEST_BUILD)/hello.elf $(GUEST_BUILD)/vmtest.elf $(GUEST_BUILD)/bench.elf \
                     $(GUEST_BUILD)/apictest.elf

# Freestanding 32-bit, no SSE (the guests never enable it in CR4) and no unwind tables or CET
# notes (nothing reads them).
GUEST_CFLAGS := -m32 -std=c11 -O2 -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(GUEST_CC) -print-file-name=include) -fno-pic -fno-pie \
	-fno-stack-protector -mgeneral-regs-only -fno-asynchronous-unwind-tables \
	-fcf-protection=none -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter -I. -MMD -MP
GUEST_NASMFLAGS := -f elf32 -I.
GUEST_LDFLAGS := -m elf_i386 -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments -T guest/lib/guest.ld

.PHONY: guests
guests: $(GUEST_ELFS)

# arch/acpi.c prints its uint64_t addresses with %lx, right for the 64-bit hypervisor. Under -m32
# gcc's format check objects (uint64_t is unsigned long long there), but lib/printf.c reads every
# l-modified argument as 64 bits, so the output is still right: only that check is turned off.
$(GUEST_OBJDIR)/arch/acpi.o: GUEST_CFLAGS += -Wno-format

$(GUEST_OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OBJDIR)/%.o: %.asm
	@mkdir -p $(dir $@)
	$(GUEST_NASM) $(GUEST_NASMFLAGS) -MD $(@:.o=.d) $< -o $@

$(GUEST_BUILD)/hello.elf: $(GUEST_HELLO_OBJS) $(GUEST_LIB_OBJS) guest/lib/guest.ld
	$(GUEST_LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_HELLO_OBJS) $(GUEST_LIB_OBJS)

$(GUEST_BUILD)/vmtest.elf: $(GUEST_VMTEST_OBJS) $(GUEST_LIB_OBJS) guest/lib/guest.ld
	$(GUEST_LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_VMTEST_OBJS) $(GUEST_LIB_OBJS)

$(GUEST_BUILD)/apictest.elf: $(GUEST_APICTEST_OBJS) $(GUEST_LIB_OBJS) guest/lib/guest.ld
	$(GUEST_LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_APICTEST_OBJS) $(GUEST_LIB_OBJS)

$(GUEST_BUILD)/bench.elf: $(GUEST_BENCH_OBJS) $(GUEST_LIB_OBJS) guest/lib/guest.ld
	$(GUEST_LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_BENCH_OBJS) $(GUEST_LIB_OBJS)

-include $(GUEST_BENCH_OBJS:.o=.d) $(GUEST_LIB_OBJS:.o=.d) $(GUEST_HELLO_OBJS:.o=.d) $(GUEST_VMTEST_OBJS:.o=.d)
-include $(GUEST_APICTEST_OBJS:.o=.d)

# Included from the top Makefile: leave its default goal alone (clearing .DEFAULT_GOAL makes make
# pick the next target it reads, when this file comes before `all`). On its own: `guests`.
ifneq ($(firstword $(MAKEFILE_LIST)),guest/guest.mk)
.DEFAULT_GOAL := $(GUEST_PREV_GOAL)
endif
