import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HealthController, READINESS_CHECKS, ReadinessCheck } from '@kyso/common';

/** Liveness and readiness (Postgres), with the dependency states every service reports. */
@Module({
  controllers: [HealthController],
  providers: [
    {
      provide: READINESS_CHECKS,
      inject: [getDataSourceToken()],
      useFactory: (db: DataSource): Record<string, ReadinessCheck> => ({
        postgres: async () => void (await db.query('SELECT 1')),
      }),
    },
  ],
})
export class HealthModule {}
