import 'reflect-metadata';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';

@Injectable()
class Svc { hello() { return 'hi'; } }

@Controller()
class C { constructor(private readonly svc: Svc) {} @Get() get() { return this.svc.hello(); } }

@Module({ controllers: [C], providers: [Svc] })
class M {}

test('smoke', async () => {
  const mod = await Test.createTestingModule({ imports: [M] }).compile();
  const app = mod.createNestApplication();
  await app.init();
  const res = await request(app.getHttpServer()).get('/');
  expect(res.text).toBe('hi');
  await app.close();
});
