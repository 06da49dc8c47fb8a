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
	mov esp, stacks + STACK_SIZE
	push ebx
	push eax
	call guest_main
.hang:	cli
	hlt
	jmp .hang

guest_ap_entry:
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

section .bss
alignb 16
stacks:	resb STACK_SIZE * (GUEST_MAX_VCPUS + 1)
section .note.GNU-stack noalloc noexec nowrite progbits
