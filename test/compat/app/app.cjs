const express = require('express');
const { existsSync } = require('node:fs');
const { greet } = require('esm-greeter');
const { twice } = require('./lib.cjs');

require('./serve.cjs')({ express, greet, twice, existsSync });
