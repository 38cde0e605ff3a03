import { initShell } from "./register.js";

initShell();
