/**
 * Writes the generated sections of SECURITY.md from the JSON the security tests leave behind.
 *
 *   npm run security-report        # runs the tests, then rewrites the sections
 */
import { main } from '../test/support/security/report';

main();
