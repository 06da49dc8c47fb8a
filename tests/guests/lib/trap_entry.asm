; tests/guests/lib/trap_entry.asm: one stub per IDT vector (256), each pushing a uniform frame for
; trap_dispatch() in trap.c; trap_stubs[] lists their addresses for the IDT. Ring 0 only, so the CPU
; pushes EFLAGS, CS, EIP (and for some exceptions an error code) on the current stack.
bits 32

extern trap_dispatch
global trap_stubs

section .text
; Intel SDM Vol. 3A, 6.13 "Error Code": these exceptions push one; the others get a 0 so every
; frame has the same layout (struct trap_frame in trap.h).
%assign i 0
%rep 256
trap_stub_%+i:
%if i == 8 || (i >= 10 && i <= 14) || i == 17 || i == 21 || i == 29 || i == 30
%else
	push dword 0
%endif
	push dword i
	jmp trap_common
%assign i i + 1
%endrep

; The frame, from low addresses: PUSHAD's EDI ESI EBP ESP EBX EDX ECX EAX, vector, error, then
; EIP CS EFLAGS. A handler may change the saved registers (EAX, EIP): POPAD and IRETD use them.
trap_common:
	pushad
	cld                              ; the C ABI wants DF = 0; IRETD restores the old EFLAGS
	mov eax, esp
	push eax
	call trap_dispatch               ; trap_dispatch(struct trap_frame *)
	add esp, 4
	popad
	add esp, 8                       ; vector and error code
	iretd

section .rodata
align 4
trap_stubs:
%assign i 0
%rep 256
	dd trap_stub_%+i
%assign i i + 1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
