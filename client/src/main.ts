import './components/digit-app/digit-app.js';
