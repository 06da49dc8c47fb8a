# guest/guest.mk: the test guests (32-bit multiboot ELF kernels at 1 MiB), included by the top
# Makefile: build/guest/hello.elf (the default guest) and build/guest/vmtest.elf (the test guest).
GUEST_CC := gcc
GUEST_CFLAGS := -m32 -std=c11 -O2 -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell gcc -print-file-name=include) -fno-pic -fno-pie -fno-stack-protector \
	-mno-sse -mno-mmx -fcf-protection=none -Wall -Wextra -Werror -Wno-unused-parameter -MMD -MP
GUEST_LIB_OBJS := $(BUILD)/guest/lib/entry.o $(BUILD)/guest/lib/guest.o

$(BUILD)/guest/%.o: guest/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guest/lib/entry.o: guest/lib/entry.asm
	@mkdir -p $(dir $@)
	$(NASM) -f elf32 $< -o $@

$(BUILD)/guest/hello.elf: $(GUEST_LIB_OBJS) $(BUILD)/guest/hello/hello.o $(BUILD)/guest/hello/trap.o \
		guest/lib/guest.ld
	$(LD) -m elf_i386 -z noexecstack --no-warn-rwx-segments -T guest/lib/guest.ld -o $@ $(GUEST_LIB_OBJS) \
		$(BUILD)/guest/hello/hello.o $(BUILD)/guest/hello/trap.o

guests: $(BUILD)/guest/hello.elf

$(BUILD)/guest/vmtest.elf: $(GUEST_LIB_OBJS) $(BUILD)/guest/vmtest/vmtest.o guest/lib/guest.ld
	$(LD) -m elf_i386 -z noexecstack --no-warn-rwx-segments -T guest/lib/guest.ld -o $@ \
		$(GUEST_LIB_OBJS) $(BUILD)/guest/vmtest/vmtest.o

guests: $(BUILD)/guest/vmtest.elf
