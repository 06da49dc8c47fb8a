# guest/guest.mk: the test guests (32-bit multiboot ELF kernels at 1 MiB), included by the top
# Makefile: build/guest/hello.elf (the default guest) and build/guest/vmtest.elf (the test guest).
GUEST_CC := gcc
GUEST_CFLAGS := -m32 -std=c11 -O2 -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell gcc -print-file-name=include) -fno-pic -fno-pie -fno-stack-protector \
	-mno-sse -mno-mmx -fcf-protection=none -Wall -Wextra -Werror -Wno-unused-parameter -MMD -MP
# Objects go to build/guest-obj/: guest/ also holds hypervisor sources (loader, devices) whose
# 64-bit objects live under build/guest/.
GOBJ := $(BUILD)/guest-obj
GUEST_LIB_OBJS := $(GOBJ)/lib/entry.o $(GOBJ)/lib/guest.o
GUEST_LDFLAGS := -m elf_i386 -z noexecstack --no-warn-rwx-segments -T guest/lib/guest.ld

$(GOBJ)/%.o: guest/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

$(GOBJ)/lib/entry.o: guest/lib/entry.asm
	@mkdir -p $(dir $@)
	$(NASM) -f elf32 $< -o $@

$(BUILD)/guest/hello.elf: $(GUEST_LIB_OBJS) $(GOBJ)/hello/hello.o $(GOBJ)/hello/trap.o \
		guest/lib/guest.ld
	@mkdir -p $(dir $@)
	$(LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_LIB_OBJS) $(GOBJ)/hello/hello.o $(GOBJ)/hello/trap.o

$(BUILD)/guest/vmtest.elf: $(GUEST_LIB_OBJS) $(GOBJ)/vmtest/vmtest.o guest/lib/guest.ld
	@mkdir -p $(dir $@)
	$(LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_LIB_OBJS) $(GOBJ)/vmtest/vmtest.o

guests: $(BUILD)/guest/hello.elf $(BUILD)/guest/vmtest.elf
