; vmx/vmx_entry.asm: the only code between the hypervisor's C and the guest. Root mode, the vCPU's
; own CPU, interrupts off. vmx_enter(regs, launched) saves the callee-saved host registers and the
; regs pointer on the stack, points HOST_RSP at that frame, loads the guest's registers and enters;
; a VM exit lands at vmx_exit_stub (HOST_RIP) with RSP = that frame, saves the guest's registers and
; returns 0 from vmx_enter. Intel SDM Vol. 3C, 27.5 "Loading Host State": RSP and RIP come from the
; VMCS, the general registers are untouched, so the guest's values are still in them at the stub.

%include "vmx/guest_regs.inc"

VMCS_HOST_RSP equ 0x6c14

bits 64
section .text
global vmx_enter, vmx_exit_stub

vmx_enter:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	push rdi			; the regs pointer, found again at [rsp] on exit
	mov rax, VMCS_HOST_RSP
	vmwrite rax, rsp
	jbe .fail_write
	mov eax, esi			; launched?
	mov rcx, [rdi + GR_CR2]
	mov cr2, rcx
	mov rbx, [rdi + GR_RBX]
	mov rcx, [rdi + GR_RCX]
	mov rdx, [rdi + GR_RDX]
	mov rsi, [rdi + GR_RSI]
	mov rbp, [rdi + GR_RBP]
	mov r8,  [rdi + GR_R8]
	mov r9,  [rdi + GR_R9]
	mov r10, [rdi + GR_R10]
	mov r11, [rdi + GR_R11]
	mov r12, [rdi + GR_R12]
	mov r13, [rdi + GR_R13]
	mov r14, [rdi + GR_R14]
	mov r15, [rdi + GR_R15]
	test eax, eax
	mov rax, [rdi + GR_RAX]		; mov leaves the flags of the test alone
	mov rdi, [rdi + GR_RDI]
	jnz .resume
	vmlaunch
	jmp .failed
.resume:
	vmresume
.failed:
	; VMfailInvalid sets CF, VMfailValid ZF (SDM Vol. 3C, 31.2 "Conventions").
	mov eax, 1
	jc .out
	mov eax, 2
	jmp .out
.fail_write:
	mov eax, 2
.out:
	pop rdi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

vmx_exit_stub:
	push rdi			; the guest's RDI; the regs pointer is now at [rsp + 8]
	mov rdi, [rsp + 8]
	mov [rdi + GR_RAX], rax
	mov [rdi + GR_RBX], rbx
	mov [rdi + GR_RCX], rcx
	mov [rdi + GR_RDX], rdx
	mov [rdi + GR_RSI], rsi
	mov [rdi + GR_RBP], rbp
	mov [rdi + GR_R8],  r8
	mov [rdi + GR_R9],  r9
	mov [rdi + GR_R10], r10
	mov [rdi + GR_R11], r11
	mov [rdi + GR_R12], r12
	mov [rdi + GR_R13], r13
	mov [rdi + GR_R14], r14
	mov [rdi + GR_R15], r15
	mov rax, cr2
	mov [rdi + GR_CR2], rax
	pop rax
	mov [rdi + GR_RDI], rax
	xor eax, eax
	jmp .out_exit
.out_exit:
	pop rdi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret
