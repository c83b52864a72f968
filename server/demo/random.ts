/** The seeded generator lives in the domain (the double-random sampling uses it too); re-exported for the demo. */
export { Random } from '../domain/random'
