import express from 'express';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { greet } from 'esm-greeter';
import { twice } from './lib.mjs';

createRequire(import.meta.url)('./serve.cjs')({ express, greet, twice, existsSync });
