# Makefile: builds the hypervisor image (build/hypervisor.elf), its ISO (build/hypervisor.iso),
# the host unit tests, and runs everything. Targets: all iso run test unit systest bench clean deps.
# Source lists are explicit: a new file is added here on purpose.

BUILD   := build
CC      := gcc
LD      := ld
NASM    := nasm
HOSTCC  := gcc

# Image sources. Pure logic (parsers, allocator, page tables, formatting) is also in PURE_SRCS and
# is compiled for the host by the unit tests.
PURE_SRCS := \
	lib/printf.c \
	lib/cmdline.c \
	lib/line_edit.c \
	lib/console_mux.c \
	lib/ratelimit.c \
	lib/gdb_packet.c \
	lib/gdb_regs.c \
	lib/gdb_bp.c \
	lib/gdb_stub.c \
	lib/gdb_seg.c \
	lib/logbuf.c \
	arch/console_spec.c \
	boot/mb2.c \
	arch/acpi.c \
	arch/symbols.c \
	arch/spcr.c \
	arch/pci_uart.c \
	arch/fb_text.c \
	arch/font8x16.c \
	mm/mem_map.c \
	mm/pmm.c \
	mm/pagetable.c \
	mm/pt_walk.c \
	vmx/cpuid_filter.c \
	vmx/cpuid_cache.c \
	vmx/msr_policy.c \
	vmx/io_ports.c \
	vmx/mmio_ranges.c \
	guest/vuart.c \
	guest/vrtc.c \
	guest/vpm1.c \
	apic/vioapic.c \
	guest/vpci_absent.c \
	vmx/vcpu_owner.c \
	vmx/vm_config.c \
	vmx/vmx_caps.c \
	vmx/exit_reasons.c \
	vmx/ept_build.c \
	vmx/guest_state_check.c \
	vmx/mmio_decode.c \
	vmx/guest_walk.c \
	vmx/string_io.c \
	vmx/posted_intr.c \
	vmx/xcr0.c \
	vmx/event_combine.c \
	vmx/vapic_route.c \
	apic/apic_base.c \
	apic/vlapic.c \
	apic/vlapic_regs.c \
	apic/vlapic_timer.c \
	apic/vlapic_dest.c \
	arch/tsc_deadline_errata.c \
	guest/elf.c \
	guest/loader.c \
	guest/mb_info.c \
	guest/bzimage.c \
	guest/linux_boot.c \
	guest/pvh.c \
	guest/acpi_tables.c

# Exit handlers and what they call that touches the CPU through the VMCS accessors only: in the
# image they are the inline VMREAD/VMWRITE; the host unit tests compile these files against a
# fake VMCS and fake hardware (tests/unit/fake_vmcs.c, fake_hw.c) to run the handlers.
SEAM_SRCS := \
	vmx/exit_cr.c \
	vmx/exit_io.c \
	vmx/exit_string_io.c \
	vmx/exit_insn.c \
	vmx/exit_mmio.c \
	vmx/exit_cpuid.c \
	vmx/hypercall.c \
	vmx/msr_table.c \
	vmx/exit_msr.c \
	vmx/guest_cr.c \
	vmx/vcpu_state.c \
	vmx/vcpu_event.c \
	vmx/vapic_inject.c \
	vmx/vmcs_controls.c \
	vmx/vcpu_call.c

KERNEL_C_SRCS := \
	$(PURE_SRCS) \
	$(SEAM_SRCS) \
	lib/string.c \
	boot/main.c \
	arch/acpi_host.c \
	arch/console.c \
	arch/console_input.c \
	arch/console_find.c \
	arch/pci.c \
	arch/shell.c \
	arch/serial.c \
	arch/cpu.c \
	arch/trap.c \
	arch/percpu.c \
	arch/smp.c \
	arch/time.c \
	arch/power.c \
	arch/lapic.c \
	arch/host_timer.c \
	mm/mm.c \
	vmx/vmx.c \
	vmx/vmcs_setup.c \
	vmx/vmcs_check_host.c \
	vmx/vcpu.c \
	vmx/vapic.c \
	vmx/vapic_irq.c \
	vmx/vapic_ipi.c \
	vmx/vapic_msr.c \
	vmx/exit_apic.c \
	vmx/shell_vm.c \
	vmx/gdb_vm.c \
	vmx/gdb_vcpu.c \
	vmx/exit.c \
	vmx/ept.c \
	vmx/vm.c \
	guest/vm_devices.c \
	guest/vm_build.c \
	vmx/vm_ioapic.c

KERNEL_ASM_SRCS := \
	boot/entry.asm \
	arch/trampoline.asm \
	arch/trap_entry.asm \
	vmx/vmx_entry.asm

UNIT_SRCS := \
	tests/unit/main.c \
	tests/unit/log_capture.c \
	tests/unit/phys_arena.c \
	tests/unit/guest_ram.c \
	tests/unit/fake_vmcs.c \
	tests/unit/fake_hw.c \
	$(sort $(wildcard tests/unit/test_*.c))

KERNEL_OBJS := $(KERNEL_C_SRCS:%.c=$(BUILD)/%.o) $(KERNEL_ASM_SRCS:%.asm=$(BUILD)/%.o)

# Freestanding, no SSE (the hypervisor does not save guest FPU state around its own code), no red
# zone (interrupts push onto the current stack), frame pointers kept for backtraces. The image is
# linked and identity-mapped below 2 GiB, so the small code model fits.
CFLAGS := -std=c11 -O2 -g -ffreestanding -fno-builtin -nostdinc -fno-pic -fno-pie \
	-mno-red-zone -mgeneral-regs-only -mcmodel=small -fno-stack-protector \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fcf-protection=none \
	-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
	-I. -isystem $(shell $(CC) -print-file-name=include) -MMD -MP $(if $(DEBUG),-DDEBUG)
NASMFLAGS := -f elf64 -g -F dwarf -I. -I$(BUILD)/
LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -T linker.ld

HOST_CFLAGS := -std=c11 -O1 -g -DHOST_TEST -I. -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all -MMD -MP

.PHONY: all iso run test unit systest bench chaos clean deps guests
all: $(BUILD)/hypervisor.elf $(BUILD)/hypervisor.iso guests $(BUILD)/kvm/kvm-bench

iso: $(BUILD)/hypervisor.iso

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/%.o: %.asm
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) $< -o $@

# The VMCS field encodings for nasm, from the one field list C expands too (vmx/vmcs_fields.def).
$(BUILD)/vmx/vmcs_fields.inc: vmx/vmcs_fields.def
	@mkdir -p $(dir $@)
	sed -n 's/^VMCS_FIELD(\(VMCS_[A-Z0-9_]*\), \(0x[0-9a-f]*\),.*/\1 equ \2/p' $< > $@.tmp
	mv $@.tmp $@

$(BUILD)/vmx/vmx_entry.o: $(BUILD)/vmx/vmcs_fields.inc

# Two-pass link, so that a fault report names functions (arch/symbols.h). Pass 1 links the image
# with an empty symbol table; scripts/gen-symbols turns its text symbols (nm) into build/symbols.c;
# pass 2 links the same objects with that table in place of the empty one. The table's section is
# last in linker.ld, so it moves no code: pass 2's table, generated again, must equal pass 1's, and
# the build fails if not (a table naming the wrong functions would mislead worse than none).
$(BUILD)/symbols-empty.c: scripts/gen-symbols
	@mkdir -p $(dir $@)
	scripts/gen-symbols --empty > $@.tmp && mv $@.tmp $@

$(BUILD)/symbols.c: $(BUILD)/hypervisor.pass1.elf scripts/gen-symbols
	scripts/gen-symbols $< > $@.tmp && mv $@.tmp $@

$(BUILD)/symbols.o $(BUILD)/symbols-empty.o: $(BUILD)/%.o: $(BUILD)/%.c
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/hypervisor.pass1.elf: $(KERNEL_OBJS) $(BUILD)/symbols-empty.o linker.ld
	$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(BUILD)/symbols-empty.o

$(BUILD)/hypervisor.elf: $(KERNEL_OBJS) $(BUILD)/symbols.o linker.ld $(BUILD)/hypervisor.pass1.elf
	$(LD) $(LDFLAGS) -o $@.tmp $(KERNEL_OBJS) $(BUILD)/symbols.o
	scripts/gen-symbols $@.tmp > $(BUILD)/symbols-pass2.c
	@cmp -s $(BUILD)/symbols.c $(BUILD)/symbols-pass2.c || { rm -f $@.tmp; \
		echo "error: the symbol table moved code: $(BUILD)/symbols-pass2.c (pass 2) differs" \
		     "from $(BUILD)/symbols.c (pass 1); .symtab_hv must stay last in linker.ld" >&2; exit 1; }
	mv $@.tmp $@

# The ISO boots the default guest; scripts/mkiso builds others (README, "Running your own kernel").
$(BUILD)/hypervisor.iso: $(BUILD)/hypervisor.elf $(BUILD)/guests/hello.elf scripts/mkiso
	scripts/mkiso --hv $(BUILD)/hypervisor.elf --guest $(BUILD)/guests/hello.elf -o $@

include tests/guests/guests.mk

# Host unit tests: the pure sources, and the seam's against the fake VMCS, compiled for the host
# under ASan/UBSan.
$(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/unit-tests: $(PURE_SRCS:%.c=$(BUILD)/host/%.o) $(SEAM_SRCS:%.c=$(BUILD)/host/%.o) \
		$(UNIT_SRCS:%.c=$(BUILD)/host/%.o)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $^

# The KVM column's program (scripts/bench-kvm): a static Linux program against /dev/kvm, run in the
# initramfs of Debian's kernel booted bare in Bochs (static: the initramfs has no libc).
$(BUILD)/kvm/kvm-bench: tests/kvm/kvm_bench.c
	@mkdir -p $(dir $@)
	$(HOSTCC) -std=gnu11 -O2 -static -Wall -Wextra -Werror -o $@ $<

unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

deps:
	scripts/deps build

run:
	scripts/deps run
	$(MAKE) all
	scripts/run $(if $(GUEST),--guest $(GUEST))

# Everything: host unit tests and the system tests in Bochs and QEMU; last line "N passed, N failed".
test:
	scripts/deps test
	$(MAKE) all $(BUILD)/unit-tests
	scripts/test-all

bench:
	scripts/deps test
	$(MAKE) all
	scripts/bench

# The hostile-guest suite's long run (scripts/chaos): SEED= and OPS= (per vCPU) replay a run.
chaos:
	scripts/deps test
	$(MAKE) all
	scripts/chaos $(if $(SEED),--seed $(SEED)) $(if $(OPS),--ops $(OPS))

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
