'use strict';
// The order store: node:sqlite (Node 22.13+), in memory, seeded at start.
const { DatabaseSync } = require('node:sqlite');

const db = new DatabaseSync(':memory:');
db.exec(`
  CREATE TABLE orders (
    id       INTEGER PRIMARY KEY,
    user_id  INTEGER NOT NULL,
    currency TEXT NOT NULL,
    amount   REAL NOT NULL
  )
`);
const insert = db.prepare('INSERT INTO orders (user_id, currency, amount) VALUES (?, ?, ?)');
for (const [user, currency, amount] of [
  [1, 'EUR', 20],
  [1, 'EUR', 5.5],
  [3, 'CHF', 12],
]) {
  insert.run(user, currency, amount);
}

const byUser = db.prepare('SELECT currency, amount FROM orders WHERE user_id = ?');
exports.ordersFor = (userId) => byUser.all(userId);
