import './components/digit-app/digit-app.js';
import { preferredLocale, setLocale } from './localization.js';

// English renders at once; another language replaces it as soon as its strings have loaded.
void setLocale(preferredLocale());
