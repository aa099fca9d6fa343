// Field-level messages: the message sits under its input, is tied to it with
// aria-describedby and aria-invalid, so screen readers announce it with the field.

/** Shows `message` under `input` (an element `${input.id}-error` must follow it), or clears it. */
export function showFieldError(input: HTMLElement, message: string | undefined): void {
  const box = document.getElementById(`${input.id}-error`)
  if (message === undefined) {
    input.removeAttribute('aria-invalid')
    if (box) box.textContent = ''
    return
  }
  input.setAttribute('aria-invalid', 'true')
  if (box) box.textContent = message
}
