; guest/lib/entry.asm: the test guests' entry points. _start is where a multiboot loader enters
; (Multiboot spec 3.2: 32-bit protected mode, flat segments, EAX magic, EBX info, no stack).
; guest_ap_entry is where HC_START_VCPU starts the other vCPUs, with EAX = their vCPU index.
; Each vCPU gets its own 16 KiB stack.

bits 32
MB1_MAGIC equ 0x1badb002
MB1_FLAGS equ 0x3		; page-aligned modules, memory information
GUEST_MAX_VCPUS equ 64
STACK_SIZE equ 16384

section .multiboot
align 4
	dd MB1_MAGIC
	dd MB1_FLAGS
	dd -(MB1_MAGIC + MB1_FLAGS)

section .text
global _start, guest_ap_entry
extern guest_main, guest_ap_main

_start:
	lgdt [gdt_ptr]			; the loader's GDTR may be invalid (Multiboot spec 3.2)
	jmp 0x08:.flat
.flat:	mov ecx, 0x10
	mov ds, ecx
	mov es, ecx
	mov ss, ecx
	mov fs, ecx
	mov gs, ecx
	mov esp, stacks + STACK_SIZE
	push ebx
	push eax
	call guest_main
.hang:	cli
	hlt
	jmp .hang

guest_ap_entry:
	lgdt [gdt_ptr]
	jmp 0x08:.flat_ap
.flat_ap:
	mov ecx, 0x10
	mov ds, ecx
	mov es, ecx
	mov ss, ecx
	cmp eax, GUEST_MAX_VCPUS
	jae .hang_ap
	mov esp, eax
	inc esp
	imul esp, esp, STACK_SIZE
	add esp, stacks + STACK_SIZE
	push eax
	call guest_ap_main
.hang_ap:
	cli
	hlt
	jmp .hang_ap

; Interrupt stubs for the vectors the tests use: push a dummy error code where the CPU pushes
; none, then the vector, and call guest_trap(frame). guest_trap may change frame->eip.
global guest_trap_stubs
extern guest_trap
%macro STUB 1
stub_%1:
%if %1 != 8 && %1 != 10 && %1 != 11 && %1 != 12 && %1 != 13 && %1 != 14 && %1 != 17
	push 0
%endif
	push %1
	jmp trap_common
%endmacro
%assign v 0
%rep 32
	STUB v
%assign v v+1
%endrep
	STUB 64
trap_common:
	pushad
	push esp
	call guest_trap
	add esp, 4
	popad
	add esp, 8
	iretd

section .rodata
align 8
gdt:	dq 0
	dq 0x00cf9a000000ffff		; 0x08 code
	dq 0x00cf92000000ffff		; 0x10 data
gdt_ptr:
	dw gdt_ptr - gdt - 1
	dd gdt
align 4
guest_trap_stubs:
%assign v 0
%rep 32
	dd stub_%[v]
%assign v v+1
%endrep
	dd stub_64

section .bss
alignb 16
stacks:	resb STACK_SIZE * (GUEST_MAX_VCPUS + 1)
section .note.GNU-stack noalloc noexec nowrite progbits
