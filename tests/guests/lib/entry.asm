; tests/guests/lib/entry.asm: the multiboot (v1) header and the two ways into a guest kernel: _start
; on vCPU 0 (from the loader) and guest_ap_entry on the others (from HC_START_VCPU). Both arrive in
; 32-bit protected mode with paging and interrupts off and a flat CS, but with no usable GDTR or
; stack (Multiboot spec 0.6.96, 3.2 "Machine state"), so each loads its own GDT and stack first.
bits 32

MB_MAGIC        equ 0x1badb002
MB_FLAG_MEMINFO equ 1 << 1     ; we want mem_lower/mem_upper and the memory map
MB_FLAGS        equ MB_FLAG_MEMINFO ; bit 16 clear: the loader takes addresses from the ELF

SEL_CODE equ 0x08
SEL_DATA equ 0x10

extern guest_stacks, guest_stack_size, guest_max_vcpus
extern guest_lib_start, guest_lib_ap_start
global _start, guest_ap_entry

; Multiboot spec 0.6.96, 3.1.1 "The layout of Multiboot header": 4-byte aligned, in the first
; 8 KiB of the file; the linker script puts this section first.
section .multiboot progbits alloc noexec nowrite align=4
	dd MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

section .rodata
align 8
; Intel SDM Vol. 3A, 3.4.5 "Segment Descriptors": base 0, limit 4 GiB (G=1), 32-bit (D=1).
gdt:
	dq 0
	dq 0x00cf9a000000ffff          ; 0x08: code, execute/read
	dq 0x00cf92000000ffff          ; 0x10: data, read/write
gdt_end:
gdt_desc:
	dw gdt_end - gdt - 1
	dd gdt

; Loads our GDT and reloads every segment register from it. Clobbers ECX only: EAX and EBX still
; carry what the loader or HC_START_VCPU passed.
%macro LOAD_FLAT_SEGMENTS 0
	lgdt [gdt_desc]
	jmp SEL_CODE:%%reload           ; a far jump is the way to reload CS
%%reload:
	mov cx, SEL_DATA
	mov ds, cx
	mov es, cx
	mov fs, cx
	mov gs, cx
	mov ss, cx
%endmacro

section .text
; vCPU 0: EAX = 0x2badb002, EBX = the multiboot information.
_start:
	cli
	LOAD_FLAT_SEGMENTS
	mov esp, guest_stacks            ; slot 0 of the stack area is vCPU 0's
	add esp, [guest_stack_size]
	cld                              ; the C ABI wants DF = 0
	sub esp, 8                       ; ESP is 16-byte aligned at the call (i386 psABI)
	push ebx
	push eax
	call guest_lib_start             ; guest_lib_start(magic, info)
	jmp halt

; Other vCPUs: EAX = the vCPU index (smp_start_vcpu() passes it). Slot EAX of the stack area is its
; stack; an index that has no slot (or is 0, vCPU 0's) has no stack to run C on, so it halts.
guest_ap_entry:
	cli
	LOAD_FLAT_SEGMENTS
	test eax, eax
	jz halt
	cmp eax, [guest_max_vcpus]
	jae halt
	lea ecx, [eax + 1]
	imul ecx, [guest_stack_size]
	lea esp, [guest_stacks + ecx]    ; top of slot EAX
	cld
	sub esp, 12
	push eax
	call guest_lib_ap_start          ; guest_lib_ap_start(index)
halt:
	cli
	hlt
	jmp halt

section .note.GNU-stack noalloc noexec nowrite progbits
