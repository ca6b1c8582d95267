import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { Box } from '../../../../common/recognition.js';
import type { Recognition } from '../../../../common/recognition.js';
import { describeError } from '../../api/api-request.js';
import { IMAGE_TYPES, MAX_UPLOAD_BYTES, recognizeImage } from '../../api/recognize-api.js';
import { styles } from './upload-page.styles.js';

const percent = (p: number): string => `${Math.round(p * 100)}%`;

/** The box as CSS percentages of the image, so that it follows the image's displayed size. */
function boxStyle(box: Box, width: number, height: number): string {
  const pct = (v: number, of: number) => `${((v / of) * 100).toFixed(3)}%`;
  return `left:${pct(box.x, width)};top:${pct(box.y, height)};width:${pct(box.width, width)};height:${pct(box.height, height)}`;
}

/**
 * Recognizes the digits in an image file: dropped on the zone or chosen with the file picker. Shows
 * the image with a box over each digit found (and a dashed one over what is not a digit), and the
 * number. The server reads the image (POST /api/recognize); its error messages are shown as they are.
 *
 * @fires view-close - the user asked to go back to the board
 */
@customElement('upload-page')
export class UploadPage extends LitElement {
  static override styles = styles;

  @state() private imageUrl = '';
  @state() private fileName = '';
  /** The image's own size: the server's boxes are in its pixels. */
  @state() private natural: { width: number; height: number } | null = null;
  @state() private result: Recognition | null = null;
  @state() private pending = false;
  @state() private error = '';
  @state() private dragging = false;

  /** Aborts the previous request when another file comes before its answer. */
  private controller: AbortController | undefined;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('paste', this.onPaste);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('paste', this.onPaste);
    this.controller?.abort();
    if (this.imageUrl) URL.revokeObjectURL(this.imageUrl);
    this.imageUrl = '';
  }

  override render() {
    return html`
      <!-- Not a <header>: inside our shadow root it would read as a second page banner. -->
      <div class="header">
        <h2>${msg('Read the digits in an image')}</h2>
        <button type="button" data-testid="close-upload" @click=${this.close}>${msg('Back to the board')}</button>
      </div>
      <label
        class="zone"
        data-dragging=${this.dragging ? 'true' : 'false'}
        @dragenter=${this.onDragOver}
        @dragover=${this.onDragOver}
        @dragleave=${this.onDragLeave}
        @drop=${this.onDrop}
      >
        <input type="file" class="sr-only" data-testid="upload-input" accept=${IMAGE_TYPES.join(',')} @change=${this.onPick} />
        <span class="zone-title">${msg('Drop an image here, or')} <u>${msg('choose a file')}</u></span>
        <span class="zone-hint">${msg('PNG, JPEG or WebP, up to 10 MB: dark digits on a light background read best.')}</span>
        <span class="zone-hint">${msg('You can also paste an image (Ctrl+V).')}</span>
      </label>
      ${this.error ? html`<p class="error" role="alert" data-testid="upload-error">${this.error}</p>` : nothing}
      <div class="result" aria-busy=${this.pending ? 'true' : 'false'}>
        ${this.imageUrl ? this.renderImage() : nothing}
        <div class="answer">
          ${this.pending
            ? html`<p class="pending" role="status" data-testid="upload-pending"><span class="spinner" aria-hidden="true"></span>${msg(str`Reading ${this.fileName}…`)}</p>`
            : nothing}
          ${this.result && !this.pending ? this.renderAnswer(this.result) : nothing}
        </div>
      </div>
    `;
  }

  private renderImage() {
    const natural = this.natural;
    const result = this.pending ? null : this.result;
    return html`<figure class="image">
      <div class="frame">
        <img src=${this.imageUrl} alt=${msg(str`The uploaded image ${this.fileName}`)} @load=${this.onImageLoad}
          @error=${this.onImageError} />
        ${natural && result
          ? html`${result.digits.map(
              (d) => html`<div class="box" data-testid="upload-box" style=${boxStyle(d.box, natural.width, natural.height)}>
                <span class="tag">${d.digit} · ${percent(d.confidence)}</span>
              </div>`,
            )}
            ${result.rejected.map(
              (r) => html`<div class="box rejected" data-testid="upload-rejected" style=${boxStyle(r.box, natural.width, natural.height)}>
                <span class="tag">${msg('not a digit')}</span>
              </div>`,
            )}`
          : nothing}
      </div>
      <figcaption>${this.fileName}</figcaption>
    </figure>`;
  }

  private renderAnswer(result: Recognition) {
    return html`
      <p class="label">${msg('Number')}</p>
      <p class="number" data-testid="upload-result-text">${result.text}</p>
      ${result.text === ''
        ? html`<p class="hint">${result.rejected.length > 0 ? msg('What is there does not look like a digit.') : msg('No digits found in this image.')}</p>`
        : nothing}
      ${result.digits.length > 0
        ? html`<ol class="digits" aria-label=${msg('Confidence per digit')}>
            ${result.digits.map((d) => html`<li><b>${d.digit}</b> ${percent(d.confidence)}</li>`)}
          </ol>`
        : nothing}
      <p class="meta">${msg(str`Model ${result.model} · ${Math.round(result.ms)} ms on the server`)}</p>
      <div class="sr-only" aria-live="polite">${result.text ? msg(str`Recognized ${result.text}`) : msg('No digits recognized')}</div>
    `;
  }

  private onPick(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    // Cleared, so that choosing the same file again is a change too.
    input.value = '';
    if (file) void this.read(file);
  }

  private onDragOver(event: DragEvent): void {
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    this.dragging = true;
  }

  private onDragLeave(): void {
    this.dragging = false;
  }

  private onDrop(event: DragEvent): void {
    event.preventDefault();
    this.dragging = false;
    const file = event.dataTransfer?.files[0];
    if (file) void this.read(file);
  }

  /** An image pasted anywhere on the page while this view is open (a screenshot, a copied image). */
  private readonly onPaste = (event: ClipboardEvent): void => {
    const file = Array.from(event.clipboardData?.files ?? []).find((f) => f.type.startsWith('image/'));
    if (!file) return;
    event.preventDefault();
    void this.read(file);
  };

  private onImageLoad(event: Event): void {
    const img = event.target as HTMLImageElement;
    this.natural = { width: img.naturalWidth, height: img.naturalHeight };
  }

  /** Not an image the browser can show (the server will say what it is): nothing to draw boxes on. */
  private onImageError(): void {
    if (this.imageUrl) URL.revokeObjectURL(this.imageUrl);
    this.imageUrl = '';
  }

  /** Shows the file and asks the server what it reads in it. */
  async read(file: File): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    if (this.imageUrl) URL.revokeObjectURL(this.imageUrl);
    this.result = null;
    this.natural = null;
    this.error = '';
    this.fileName = file.name;
    // A file of another type by its name is not sent; one with no type (unknown extension) is: the server sniffs the bytes.
    if (file.type && !(IMAGE_TYPES as readonly string[]).includes(file.type)) {
      this.imageUrl = '';
      this.error = msg(str`${file.name} is not a PNG, JPEG or WebP image.`);
      return;
    }
    // The server would refuse it too, but only after all of it had been sent.
    if (file.size > MAX_UPLOAD_BYTES) {
      this.imageUrl = '';
      this.error = msg(str`${file.name} is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB: send a smaller image.`);
      return;
    }
    this.imageUrl = URL.createObjectURL(file);
    this.pending = true;
    try {
      const result = await recognizeImage(file, controller.signal);
      if (controller !== this.controller) return;
      this.result = result;
    } catch (error) {
      if (controller !== this.controller) return;
      this.error = msg(str`Could not read ${file.name}: ${describeError(error)}`);
    } finally {
      if (controller === this.controller) this.pending = false;
    }
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent('view-close', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'upload-page': UploadPage;
  }
  interface HTMLElementEventMap {
    'view-close': CustomEvent<void>;
  }
}
