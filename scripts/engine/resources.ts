/** Networks and volumes: list, create, remove. One operation each. */
import { docker, engineCall, labelFilter } from './client.js';
import type { ObservedResource } from './spec.js';

export async function listNetworks(labels: string[]): Promise<ObservedResource[]> {
  const list = await engineCall('list networks', labels.join(','), () => docker().listNetworks({ filters: labelFilter(labels) }));
  return list.map((n) => ({ name: n.Name, labels: n.Labels ?? {} }));
}

export async function listVolumes(labels: string[]): Promise<ObservedResource[]> {
  const res = await engineCall('list volumes', labels.join(','), () => docker().listVolumes({ filters: labelFilter(labels) }));
  return (res.Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {} }));
}

/** Whether a network of that name (or id) exists, whoever made it. */
export async function networkExists(name: string): Promise<boolean> {
  try {
    await docker().getNetwork(name).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

export async function createNetwork(name: string, labels: Record<string, string>): Promise<void> {
  await engineCall('create network', name, () => docker().createNetwork({ Name: name, Driver: 'bridge', Labels: labels, CheckDuplicate: true }));
}

export async function createVolume(name: string, labels: Record<string, string>): Promise<void> {
  await engineCall('create volume', name, () => docker().createVolume({ Name: name, Labels: labels }));
}

export async function removeNetwork(name: string): Promise<void> {
  await engineCall('remove network', name, () => docker().getNetwork(name).remove());
}

export async function removeVolume(name: string): Promise<void> {
  await engineCall('remove volume', name, () => docker().getVolume(name).remove());
}
