import { runZoo, ZOO } from '@leasehold/sim/zoo';
let t = 0;
const r = await runZoo({
  variants: ZOO,
  budget: 25,
  bases: 1,
  nowMs: () => t++,
  onProgress: (l) => console.log(l),
});
console.log(JSON.stringify(r.correct.failures));
