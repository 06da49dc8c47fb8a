; tests/guests/lib/ring3_entry.asm: ring3_run(fn) (ring3.h). It saves the callee-saved registers and
; ESP, makes that ESP the TSS's ESP0, and IRETs to CPL 3 (SDM Vol. 3A, 6.14 on IRET to another
; privilege level: it pops EIP, CS, EFLAGS, ESP and SS). The ring-3 side calls fn and then executes
; INT RING3_RETURN_VECTOR, whose DPL-3 gate lands on ESP0 at CPL 0; ring3_return_stub drops that
; frame by reloading the saved ESP and returns from ring3_run.
bits 32

SEL_KERNEL_DATA equ 0x10
SEL_USER_CODE   equ 0x1b
SEL_USER_DATA   equ 0x23
RING3_RETURN_VECTOR equ 0x81
RING3_STACK_SIZE equ 4096

extern gdt_set_esp0
global ring3_run, ring3_return_stub

section .bss
align 16
ring3_stack: resb RING3_STACK_SIZE
ring3_stack_top:
saved_esp: resd 1
ring3_fn: resd 1

section .text
ring3_run:
	mov eax, [esp + 4]
	mov [ring3_fn], eax
	push ebp
	push ebx
	push esi
	push edi
	mov [saved_esp], esp
	push esp
	call gdt_set_esp0
	add esp, 4
	mov ax, SEL_USER_DATA            ; DS/ES with DPL 0 would be nulled by the IRET
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	push dword SEL_USER_DATA         ; SS
	push dword ring3_stack_top       ; ESP
	push dword 0x2                   ; EFLAGS: IF=0, IOPL=0
	push dword SEL_USER_CODE         ; CS
	push dword ring3_body            ; EIP
	iretd

ring3_body:                          ; CPL 3
	cld
	call [ring3_fn]
	int RING3_RETURN_VECTOR

ring3_return_stub:                   ; CPL 0, on ESP0 below saved_esp
	mov ax, SEL_KERNEL_DATA
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	mov esp, [saved_esp]
	pop edi
	pop esi
	pop ebx
	pop ebp
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
