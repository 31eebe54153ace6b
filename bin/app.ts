#!/usr/bin/env node
import { createApp } from './create-app';
import { runApp } from './main';

process.exitCode = runApp(() => createApp());
