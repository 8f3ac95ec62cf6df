import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DependencyMonitor } from './dependency-monitor';

/**
 * Wraps a service's root module so that one DependencyMonitor, shared with the problem filter
 * createService installs, is injectable everywhere (the health controller reads it).
 */
@Module({})
export class DependencyMonitorModule implements OnApplicationShutdown {
  constructor(@Inject(DependencyMonitor) private readonly monitor: DependencyMonitor) {}

  static around(root: unknown, monitor: DependencyMonitor): DynamicModule {
    return {
      module: DependencyMonitorModule,
      global: true,
      imports: [root as DynamicModule],
      providers: [{ provide: DependencyMonitor, useValue: monitor }],
      exports: [DependencyMonitor],
    };
  }

  onApplicationShutdown(): void {
    this.monitor.close();
  }
}
