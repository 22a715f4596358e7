import { deployEnvironment } from "./components/genesys-environment";
import { readStack } from "./components/stack-config";

export = deployEnvironment(readStack());
