import { describeLeaseStore } from '@leasehold/store/conformance';
import { MemoryStore } from '@leasehold/store';

describeLeaseStore('memory', async () => new MemoryStore());
