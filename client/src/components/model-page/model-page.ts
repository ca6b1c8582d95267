import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { FIT_BOX, type ModelManifest } from '../../../../common/model-contract.js';
import { describeError } from '../../api/api-request.js';
import { getModel, MODEL_DOWNLOAD_URL } from '../../api/recognize-api.js';
import { styles } from './model-page.styles.js';

/** 0.994 -> "99.4%", 0.0011 -> "0.11%": enough digits to tell models apart, no more. */
function percent(p: number): string {
  const value = p * 100;
  return `${Number(value.toPrecision(value >= 10 ? 3 : 2))}%`;
}

/** 1330617 -> "1.27 MB (1,330,617 bytes)", in the page's language's digits and separators. */
function fileSize(bytes: number): string {
  const mb = (bytes / (1024 * 1024)).toLocaleString(undefined, { maximumFractionDigits: 2 });
  return msg(str`${mb} MB (${bytes.toLocaleString()} bytes)`);
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** How to run the model outside Digitboard (as in README.md). */
function pythonSnippet(model: ModelManifest): string {
  const [, height, width, channels] = model.input.shape;
  const notADigit = model.labels.indexOf('not-a-digit');
  return [
    'import numpy as np, onnxruntime as ort',
    `session = ort.InferenceSession("digitboard-${model.version}.onnx")`,
    `image = np.zeros((1, ${height}, ${width}, ${channels}), np.float32)  # your preprocessed digit, ink = 1.0`,
    `probabilities = session.run(["${model.output.name}"], {"${model.input.name}": image})[0][0]`,
    notADigit >= 0
      ? `print(probabilities[:${notADigit}].argmax(), probabilities[${notADigit}])  # digit, P(not a digit)`
      : 'print(probabilities.argmax())',
  ].join('\n');
}

/**
 * What the recognizer is: the shipped model's manifest (GET /api/model) in plain words, a link
 * to download it, and how to use it from Python.
 *
 * @fires view-close - the user asked to go back to the board
 */
@customElement('model-page')
export class ModelPage extends LitElement {
  static override styles = styles;

  @state() private model: ModelManifest | null = null;
  @state() private error = '';
  /** The .onnx file's size in bytes (its Content-Length), once known. */
  @state() private size: number | null = null;
  @state() private copied: 'idle' | 'copied' | 'failed' = 'idle';
  private copiedTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.model) void this.load();
  }

  private async load(): Promise<void> {
    this.error = '';
    try {
      this.model = await getModel();
    } catch (error) {
      this.error = msg(str`Could not load the model's description: ${describeError(error)}`);
      return;
    }
    // The manifest does not state the file's size: the download's headers do (a HEAD, no body).
    try {
      const response = await fetch(MODEL_DOWNLOAD_URL, { method: 'HEAD' });
      const length = Number(response.headers.get('content-length'));
      if (response.ok && length > 0) this.size = length;
    } catch {
      // Offline: the size is simply not shown.
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.copiedTimer);
  }

  private async copyHash(): Promise<void> {
    const hash = this.model?.sha256;
    if (!hash) return;
    try {
      await navigator.clipboard.writeText(hash);
      this.copied = 'copied';
    } catch {
      // No clipboard permission: select the hash, for the user to copy.
      const code = this.renderRoot.querySelector('[data-testid="model-sha256"]');
      if (code) getSelection()?.selectAllChildren(code);
      this.copied = 'failed';
    }
    clearTimeout(this.copiedTimer);
    this.copiedTimer = setTimeout(() => (this.copied = 'idle'), 2_000);
  }

  override render() {
    return html`
      <!-- Not a <header>: inside our shadow root it would read as a second page banner. -->
      <div class="header">
        <h2>${msg('The model')}</h2>
        <button type="button" data-testid="close-model" @click=${this.close}>${msg('Back to the board')}</button>
      </div>
      ${this.error
        ? html`<p class="error" role="alert" data-testid="model-error">
            ${this.error} <button type="button" @click=${this.load}>${msg('Try again')}</button>
          </p>`
        : nothing}
      ${this.model ? this.renderModel(this.model) : this.error ? nothing : html`<p role="status">${msg('Loading…')}</p>`}
    `;
  }

  private renderModel(model: ModelManifest) {
    const { metrics, training, input } = model;
    const [, height, width] = input.shape;
    const [low, high] = input.range;
    const shape = input.shape.map((d) => (d === -1 ? 'N' : d)).join(', ');
    const classes = model.output.shape[1];
    const falseAbstain = metrics.mnistTestFalseAbstainRate;
    const count = (metrics.mnistTestCount ?? 0).toLocaleString();
    const digitCount = model.labels.filter((label) => /^\d$/.test(label)).length;
    const abstains = model.labels.length > digitCount;
    const trainedIn = duration(training.seconds);
    const trainedAt = new Date(training.date).toLocaleString();
    return html`
      <p class="intro">
        ${abstains
          ? msg(str`Every number on the boards and in uploads is read by ${model.name}, a small convolutional network that looks at one digit at a time and says which of ${digitCount} digits it is, or that it is not a digit at all.`)
          : msg(str`Every number on the boards and in uploads is read by ${model.name}, a small convolutional network that looks at one digit at a time and says which of ${digitCount} digits it is.`)}
      </p>
      <dl class="facts">
        <div>
          <dt>${msg('Accuracy')}</dt>
          <dd>
            <span class="big" data-testid="model-accuracy">${percent(metrics.mnistTestAccuracy)}</span>
            ${metrics.mnistTestCount ? msg(str`of the ${count} MNIST test digits read right`) : msg('of the MNIST test digits read right')}
          </dd>
        </div>
        ${falseAbstain !== undefined
          ? html`<div>
              <dt>${msg('Wrongly "not a digit"')}</dt>
              <dd>
                <span class="big" data-testid="model-false-abstain">${percent(falseAbstain)}</span>
                ${msg('of real digits taken for something else')}
              </dd>
            </div>`
          : nothing}
        <div>
          <dt>${msg('Version')}</dt>
          <dd><code data-testid="model-version">${model.name} ${model.version}</code></dd>
        </div>
        <div>
          <dt>${msg('Answers')}</dt>
          <dd>${model.labels.map((label) => html`<span class="label">${label}</span>`)}</dd>
        </div>
      </dl>

      <h3>${msg('What it expects')}</h3>
      <ul class="contract">
        <li>${msg(str`A batch of ${width} × ${height} pixel grayscale images: input "${input.name}", shape [${shape}] (${input.layout}), ${input.dtype}.`)}</li>
        <li>${msg(str`Values from ${low} to ${high}, ink bright: the digit is ${high}, the paper ${low} (white on black, as in MNIST).`)}</li>
        <li>${msg(str`The digit fitted into the middle ${FIT_BOX} × ${FIT_BOX} pixels, keeping its shape, centred by its mass (as in MNIST).`)}</li>
        <li>${msg(str`Output "${model.output.name}": ${classes} probabilities, in the order of the answers above.`)}</li>
      </ul>

      <h3>${msg('How it was trained')}</h3>
      <ul class="training">
        <li><code>${training.command}</code></li>
        <li>${msg(str`${training.epochs} epochs, seed ${training.seed}, on the ${training.backend} backend in ${trainedIn} (${trainedAt}).`)}</li>
      </ul>

      <h3>${msg('Use it elsewhere')}</h3>
      <p>
        <a class="button primary" data-testid="download-onnx" href=${MODEL_DOWNLOAD_URL} download>${msg('Download ONNX')}</a>
      </p>
      <dl class="file">
        <div>
          <dt>${msg('File size')}</dt>
          <dd data-testid="model-size">${this.size === null ? '…' : fileSize(this.size)}</dd>
        </div>
        <div>
          <dt>${msg('SHA-256 checksum')}</dt>
          <dd>
            <code class="hash" data-testid="model-sha256">${model.sha256}</code>
            <button type="button" data-testid="copy-sha256" aria-label=${msg('Copy the SHA-256 checksum')} @click=${this.copyHash}>
              ${this.copied === 'copied' ? msg('Copied') : msg('Copy')}
            </button>
            <span class="sr-only" aria-live="polite"
              >${this.copied === 'copied' ? msg('Checksum copied') : this.copied === 'failed' ? msg('Checksum selected: copy it with your device') : ''}</span
            >
          </dd>
        </div>
        <div>
          <dt>${msg('ONNX opset')}</dt>
          <dd>${model.opset}</dd>
        </div>
      </dl>
      <p>${msg('In Python, with onnxruntime:')}</p>
      <pre data-testid="python-snippet"><code>${pythonSnippet(model)}</code></pre>
    `;
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent('view-close', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'model-page': ModelPage;
  }
}
